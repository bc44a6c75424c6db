"""Writes to what `core` keeps for a user: creating and revoking API keys. Each one is audited."""

import secrets

from django.db import transaction
from django.utils import timezone

from . import audit
from .models import ApiToken
from .permissions import require

# A key is "grp_" + 43 URL-safe characters (256 random bits); the mark makes a leaked key easy to spot.
KEY_MARK = "grp_"


def create_api_token(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new key acting as `actor`: returns the token and the key, which is never stored nor shown again."""
    require(actor, "core.add_api_token")
    key = KEY_MARK + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name.strip(), key_prefix=key[:8], key_hash=ApiToken.hash_key(key))
        audit.record(actor, "api_token.created", token,
                     after={"name": token.name, "key_prefix": token.key_prefix})
    return token, key


def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    """Stop a key from working at once. Revoking twice changes nothing more."""
    require(actor, "core.revoke_api_token", token)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, "api_token.revoked", token,
                         after={"revoked_at": token.revoked_at.isoformat()})
    return token
