"""A user account's own settings: its role in the cluster (staff admins) and its interface language."""

from django.conf import settings
from django.db import transaction

from grappe.core import audit
from grappe.core.permissions import require

from ..models import STAFF_ROLES, User


def set_user_role(*, actor, user: User, role: str) -> User:
    require(actor, "members.manage_roles")
    with transaction.atomic():
        before = {"role": user.role}
        user.role = role
        user.is_superuser = False if role not in STAFF_ROLES else user.is_superuser
        user.save(update_fields=["role", "is_superuser"])
        audit.record(actor, "user.role_changed", user, before=before, after={"role": role})
    return user


def set_language_preference(*, user: User, language: str) -> None:
    """Remember the interface language a user chose (used for pages after sign-in and for mail)."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
