"""Who may do what with what `core` keeps for a user: their API keys."""

import rules


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


# Any signed-in user may have API keys: a key acts with exactly its user's rights, nothing more.
rules.add_perm("core.add_api_token", is_signed_in)
rules.add_perm("core.revoke_api_token", is_signed_in & owns_token)
