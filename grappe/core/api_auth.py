"""Who is calling the API: a personal key (`Authorization: Bearer <key>`), else the browser's session.

- A request that presents a key must present a valid one: a wrong or revoked key gets 401, even when a
  session cookie comes with it, so a client never acts by accident as someone else than its key says.
- The session serves the interactive docs at /api/docs; like every cookie-based access it is checked
  against CSRF on unsafe methods (ninja's SessionAuth does this), so another site cannot act through it.
- `PUBLIC` adds anonymous access, for the endpoints that show only what the public directory shows.

Whoever is found becomes `request.user`, so the API checks the same `rules` permissions as the pages.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken

# Recording each use would write on every request; once a minute is precise enough to spot an unused key.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer grp_…`: a key created on the user's "API keys" page."""

    def __call__(self, request):
        credentials = request.headers.get(self.header, "")
        if credentials and not credentials.lower().startswith("bearer "):
            raise AuthenticationError(message=_("Use the header 'Authorization: Bearer <key>'."))
        return super().__call__(request)

    def authenticate(self, request, token: str):
        key = token.strip()
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            raise AuthenticationError(message=_("Invalid or revoked API key."))
        _note_use(api_token)
        request.user = api_token.user
        return api_token.user


def _note_use(api_token: ApiToken) -> None:
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session (CSRF-checked on unsafe methods), used by the interactive docs."""

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def anonymous(request):
    """Let an anonymous caller in; the endpoint then shows only public data (`request.user` is anonymous)."""
    request.user = AnonymousUser()
    return request.user


api_key_auth = ApiKeyAuth()
session_auth = BrowserSessionAuth(csrf=True)
# Every endpoint needs a signed-in caller unless it says PUBLIC.
SIGNED_IN = [api_key_auth, session_auth]
PUBLIC = [api_key_auth, session_auth, anonymous]
# What an endpoint open to anonymous callers declares: `@router.get(..., **PUBLIC_ENDPOINT)`. The empty
# requirement tells the OpenAPI schema that credentials are optional there.
PUBLIC_ENDPOINT = {
    "auth": PUBLIC,
    "openapi_extra": {"security": [{type(api_key_auth).__name__: []}, {type(session_auth).__name__: []}, {}]},
}
