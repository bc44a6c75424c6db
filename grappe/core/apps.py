from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grappe.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from . import audit, notify
        from .second_factor import count_set_up_as_passed

        audit.register_actions({
            "anonymity.threshold_changed": _("Anonymity threshold changed"),
            "api_token.created": _("API key created"),
            "api_token.revoked": _("API key revoked"),
        })

        # What notifications written before they stored their kind said, kept as they were written.
        notify.register_kinds({"core.text": notify.Kind(text=lambda params: params["text"])})

        authenticator_added.connect(count_set_up_as_passed, dispatch_uid="grappe.core.count_set_up_as_passed")
