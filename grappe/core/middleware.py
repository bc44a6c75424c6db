from django.conf import settings
from django.shortcuts import redirect


class StaffMfaRequiredMiddleware:
    """Cluster staff see members' confidential data: they must sign in with a second factor (TOTP).

    A staff account without an authenticator is sent to set one up before any other page; the account
    pages themselves (sign-out, re-authentication, two-factor set-up) and the language switch stay open.
    """

    OPEN_URL_PREFIXES = ("account_", "mfa_", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (settings.GRAPPE_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
            return None
        match = request.resolver_match
        if match is not None and (match.url_name or "").startswith(self.OPEN_URL_PREFIXES):
            return None
        from allauth.mfa.models import Authenticator

        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return None
        return redirect("mfa_activate_totp")
