from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import second_factor


class StaffMfaRequiredMiddleware:
    """Cluster staff see members' confidential data: a staff session is one that passed a second factor.

    - A staff account without an authenticator is sent to set one up before any other page; the account
      pages themselves (sign-out, re-authentication, two-factor set-up) and the language switch stay open.
    - A staff account with one, in a session that never typed its code (a password-only sign-in), is sent to
      type it; until then only sign-out, that page and the language switch are open. Nothing else: the
      account pages would let a password alone turn off the authenticator or read its recovery codes.
    """

    SETUP_URL_PREFIXES = ("account_", "mfa_", "set_language")
    CODE_URL_NAMES = ("account_logout", "mfa_reauthenticate", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (settings.GRAPPE_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
            return None
        url_name = (request.resolver_match.url_name if request.resolver_match else None) or ""
        if not second_factor.has_second_factor(user):
            return None if url_name.startswith(self.SETUP_URL_PREFIXES) else redirect("mfa_activate_totp")
        if url_name in self.CODE_URL_NAMES or second_factor.passed_second_factor(request):
            return None
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")


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
