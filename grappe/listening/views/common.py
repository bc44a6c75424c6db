"""What the listening pages share: who may open a page, and how a refused action is told."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError

from grappe.core.permissions import require


def page_for(permission: str):
    """Signed in (else the sign-in page), then holding `permission` (else 403)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request.user, permission)
            return view(request, *args, **kwargs)
        return checked
    return decorate


staff_page = page_for("listening.view_cluster_listening")
dashboard_page = page_for("listening.view_dashboards")  # the staff and the government observers


def refused(request, error: ValidationError) -> None:
    """A service said no: its reason is shown on the page the person goes back to."""
    messages.error(request, " ".join(error.messages))
