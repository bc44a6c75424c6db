from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from grappe.api import api
from grappe.members.views.account import email_address
from grappe.operations.views import health

# One way in: the back office's own login form would sign staff in with a password alone, past the second
# factor and the rate limits. allauth's decorator sends a signed-out visitor to allauth's sign-in instead
# (then back to the admin) and refuses a signed-in non-staff user.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("grappe.members.i18n_urls")),
    # Partner clusters' instances speak to these, in JSON, without a language prefix (ActivityPub).
    path("federation/", include("grappe.federation.urls.protocol")),
    # For a load balancer or a monitor, in no language (grappe.operations.health).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page says; it is a static file like the others.
    path("favicon.ico", require_safe(lambda request: redirect(static("grappe/favicon.ico"), permanent=True))),
]
urlpatterns += i18n_patterns(
    path("", include("grappe.home.urls")),
    path("", include("grappe.core.urls")),
    path("members/", include("grappe.members.urls")),
    path("partnering/", include("grappe.partnering.urls")),
    path("listening/", include("grappe.listening.urls")),
    path("events/", include("grappe.events.urls")),
    path("programs/", include("grappe.programs.urls")),
    path("governance/", include("grappe.governance.urls")),
    path("labour/", include("grappe.labour.urls")),
    path("greening/", include("grappe.greening.urls")),
    path("news/", include("grappe.bulletins.urls")),
    path("clusters/", include("grappe.federation.urls.pages")),
    path("system/", include("grappe.operations.urls")),
    # Before allauth's own page at this address, which it replaces (see email_address).
    path("accounts/email/", email_address, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
)
