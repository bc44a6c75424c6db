from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grappe.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from .second_factor import count_set_up_as_passed

        authenticator_added.connect(count_set_up_as_passed, dispatch_uid="grappe.core.count_set_up_as_passed")
