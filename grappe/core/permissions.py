"""Checking permissions in services and views the same way everywhere.

A user who may not even see an object gets 404 (its existence is not revealed); a user who may see it
but not do this to it gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def require(user, permission: str, obj=None) -> None:
    """Raise PermissionDenied unless `user` has `permission` (on `obj`)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def require_visible(user, permission: str, obj=None) -> None:
    """Raise Http404 unless `user` has `permission` (on `obj`): for objects one may not know exist."""
    if not user.has_perm(permission, obj):
        raise Http404
