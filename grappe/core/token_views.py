"""A signed-in user's API keys: list them, create one (its key is shown once), revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import second_factor, services
from .forms import ApiTokenForm
from .idempotency import submit_once
from .models import ApiToken
from .permissions import require_visible

# The new key waits in the server-side session for the one page that shows it, then is gone.
NEW_KEY_SESSION_KEY = "grappe_new_api_key"


@never_cache
@login_required
def api_tokens(request):
    """A key gives lasting access without a second factor: whoever has set up an authenticator (every staff
    member) creates one only within minutes of typing its code, so a stolen or left-open session is not enough."""
    if (request.method == "POST" and second_factor.has_second_factor(request.user)
            and not second_factor.recently_passed_second_factor(request)):
        return second_factor.ask_for_second_factor(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            token, key = services.create_api_token(actor=request.user, name=form.cleaned_data["name"])
            request.session[NEW_KEY_SESSION_KEY] = {"id": token.pk, "key": key}
            return reverse("core:api-tokens")
        return redirect(submit_once(form.cleaned_data["form_token"], work))
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "new_key": request.session.pop(NEW_KEY_SESSION_KEY, None),
        "api_root": request.build_absolute_uri(reverse("api:api-root")),
    }
    return render(request, "core/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    require_visible(request.user, "core.revoke_api_token", token)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The key “%(name)s” no longer works.") % {"name": token.name})
    return redirect("core:api-tokens")
