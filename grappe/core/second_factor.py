"""Whether this session passed a second factor, read from what allauth records in the session.

allauth keeps, in the session, one record per proof a user gave (`{"method": "password" | "mfa", "at": …}`,
see allauth.account.authentication.get_authentication_records): a TOTP or recovery code typed at sign-in
(the "mfa_authenticate" step) or later (the "mfa_reauthenticate" page) adds an "mfa" record. Having an
authenticator is not enough: a session opened with a password alone (Django's own login, an account made
staff while signed in) holds no such record, and staff rights need one (core.middleware).
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request
from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.urls import reverse

# The authenticators that make a second factor; recovery codes only come with one of them.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user) -> bool:
    """The user has set up an authenticator (the sign-in then asks for its code)."""
    return is_mfa_enabled(user, SECOND_FACTORS)


def _second_factor_times(request) -> list[float]:
    return [record["at"] for record in get_authentication_records(request, request.user)
            if record.get("method") == "mfa"]


def passed_second_factor(request) -> bool:
    """This session's user typed a code of their authenticator, at sign-in or since."""
    return bool(_second_factor_times(request))


def recently_passed_second_factor(request) -> bool:
    """…within allauth's re-authentication window (ACCOUNT_REAUTHENTICATION_TIMEOUT, 5 minutes): what an
    action that hands out lasting access (an API key) asks, however long ago the session began."""
    times = _second_factor_times(request)
    return bool(times) and time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


def ask_for_second_factor(request):
    """Send the user to allauth's "enter a code" page. After the code, allauth brings them back to this
    page, and replays a POST (it keeps the suspended request in the session), so nothing is typed twice."""
    return suspend_request(request, reverse("mfa_reauthenticate"))


def count_set_up_as_passed(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up an authenticator app means typing a code it shows: that session has passed the second
    factor (allauth's `authenticator_added` signal; connected in CoreConfig.ready). Otherwise a staff member
    who has just set one up would be asked for a code at once, and today's code is then already used."""
    if request is not None and authenticator.type in SECOND_FACTORS:
        post_authentication(request, authenticator)
