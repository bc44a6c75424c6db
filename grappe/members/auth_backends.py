"""The authentication backend: allauth's sign-in, with what every signed-in page needs loaded at once.

Every page's frame and permission checks read the user's person and organisation (`User.organisation`), so
the user is loaded with them in one query instead of three. Rights come from a user's role, through the
`rules` predicates (`rules.permissions.ObjectPermissionBackend`, first in AUTHENTICATION_BACKENDS); Django's
model permissions (groups, per-user permissions) are given to nobody — no page, form or back-office screen
assigns them — so this backend does not query them for each request that asks a permission `rules` denies:
only superusers hold them (all of them, as in Django's ModelBackend).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("person__organisation").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_superuser:
            return set()
        return super()._get_permissions(user_obj, obj, from_name)
