from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class StaffMfaRequiredMiddleware:
    """Cluster staff see members' confidential data: they must sign in with a second factor (TOTP).

    A staff account without an authenticator is sent to set one up before anything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_totp(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up_totp(self, request) -> bool:
        user = request.user
        if not (settings.GRAPPE_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
            return False
        allowed = (reverse("mfa_index"), reverse("account_logout"), settings.STATIC_URL, "/i18n/")
        path = request.path
        if any(path.startswith(p) or path.startswith("/" + p.lstrip("/")) for p in allowed) or "/mfa/" in path:
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
