from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

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
