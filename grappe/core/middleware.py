from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


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


class RejectNulCharacterMiddleware:
    """PostgreSQL text cannot hold the NUL character: a query with one fails, and the request answered 500.

    A URL whose path or query string holds one is refused here with 400, before any view looks anything up
    (as JSON under /api/, like every API answer). Forms refuse it in their fields already (Django's
    ProhibitNullCharactersValidator), and the API in its bodies (core.api_schemas.InputSchema)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        if "\x00" in request.path or any("\x00" in text for text in query):
            message = _("The address contains a NUL character.")
            if request.path.startswith(reverse("api:api-root")):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
