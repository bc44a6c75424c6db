"""What every app's pages share: who may open a page, and how a refused action is told."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError

from .errors import reason
from .permissions import require


def page_for(permission: str):
    """A view decorator: signed in (else the sign-in page), then holding `permission` (else 403)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request.user, permission)
            return view(request, *args, **kwargs)
        return checked
    return decorate


def refused(request, error: ValidationError) -> None:
    """A service said no: its reason is shown on the page the person goes back to."""
    messages.error(request, reason(error))
