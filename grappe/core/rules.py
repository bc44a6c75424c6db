"""Who may do what with what `core` keeps: a user's API keys, the audit trail, the anonymity threshold.

`is_cluster_staff` is defined here, where every app can use it: the user model (members.User) says who the
staff are through `is_staff` (an active account with a staff role, or a superuser), read here without
importing members."""

import rules


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def is_cluster_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


# Any signed-in user may have API keys: a key acts with exactly its user's rights, nothing more.
rules.add_perm("core.add_api_token", is_signed_in)
rules.add_perm("core.revoke_api_token", is_signed_in & owns_token)
rules.add_perm("core.view_audit", is_cluster_staff)
# The anonymity threshold k of grappe.core.aggregates.
rules.add_perm("core.set_anonymity_threshold", is_cluster_staff)
