"""What a person controls of the mail they receive, from the signed links of its emails (no sign-in) or from
their account: leaving a topic, their preferences; and the counting links of an email (open pixel, followed
links). Thin: read the token, call a service, render.

A token names one person (or one delivery) and is signed with its own salt (links.py): a forged or altered one is
refused with a page that says so (404) and changes nothing. A GET never changes a preference: mail scanners follow
every link of a message (RFC 8058 §1), so leaving takes a POST — the page's one button, or the mail client's
one-click POST.
"""

import base64
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from grappe.core.idempotency import submit_once
from grappe.members.models import Person

from .. import links
from ..forms.preferences import PreferencesForm
from ..models import REQUIRED_CATEGORIES, Topic
from ..services import preferences as services
from ..services import tracking

# A transparent 1x1 GIF: what the open pixel always answers.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


class BadLink(Exception):
    """A token that is not ours, or whose person is gone."""


def _signed(salt: str, token: str):
    try:
        return links.read(salt, token)
    except signing.BadSignature:
        raise BadLink from None


def _person(person_id) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise BadLink
    return person


def refuses_bad_links(view):
    """A forged, altered or cut link: a page that says so (404), and nothing changed."""
    @wraps(view)
    def checked(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadLink:
            return render(request, "bulletins/bad_link.html", status=404)
    return checked


def masked(email: str) -> str:
    """Enough of an address for its owner to recognise it, not enough to give it to whoever sees the page:
    "lea.roy@alpha.test" → "l•••••y@alpha.test"."""
    name, _at, domain = email.partition("@")
    shown = name[0] + "•" * max(len(name) - 2, 1) + name[-1] if len(name) > 2 else name[:1] + "•"
    return f"{shown}@{domain}"


def _actor(request):
    """Who acted, for the audit trail: the signed-in user if any (the link authorises, whoever follows it)."""
    return request.user if request.user.is_authenticated else None


# The whole POST is exempt from CSRF: what authorises it is the signed token in the address, not a cookie — so
# a forged cross-site POST gains nothing its sender could not do with the link itself. And it must be: the
# RFC 8058 one-click POST (body "List-Unsubscribe=One-Click") comes from the mail provider, with no cookie.
@csrf_exempt
@refuses_bad_links
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    person_id, topic = _signed(links.UNSUBSCRIBE, token)
    person = _person(person_id)
    if topic not in Topic.values:
        raise BadLink
    context = {"person": person, "email": masked(person.email), "topic": Topic(topic).label,
               "preferences_url": links.preferences_url(person.pk)}
    if request.method == "POST":
        services.unsubscribe(person, topic, actor=_actor(request), by_link=True)
        return render(request, "bulletins/unsubscribed.html", context)
    return render(request, "bulletins/unsubscribe.html", context)


def _preferences_page(request, person: Person, by_link: bool):
    form = PreferencesForm.for_preferences(services.preferences_of(person), request.POST or None,
                                           narrow_only=by_link)
    if request.method == "POST" and form.is_valid():
        def work():
            services.set_preferences(person, form.cleaned_data["frequency"], form.cleaned_data["topics"],
                                     communications=not form.cleaned_data["stop_all"], actor=_actor(request),
                                     by_link=by_link)
            return request.get_full_path()
        url = submit_once(form.cleaned_data["form_token"], work)
        messages.success(request, _("Your mail preferences are saved."))
        return redirect(url)
    return render(request, "bulletins/preferences.html", {
        "form": form, "person": person, "email": masked(person.email), "by_link": by_link,
        "sign_in_url": f"{reverse('account_login')}?next={reverse('bulletins:preferences')}",
        "required": [category.label for category in REQUIRED_CATEGORIES]})


@refuses_bad_links
@never_cache
@require_http_methods(["GET", "POST"])
def preferences_signed(request, token):
    """The preferences of the person the link names, without sign-in."""
    return _preferences_page(request, _person(_signed(links.PREFERENCES, token)), True)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The signed-in user's own preferences; an account that is nobody's person (the staff, an observer)
    receives no bulletin and has none."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    return _preferences_page(request, person, False)


@never_cache
@require_GET
def opened(request, token):
    """The open pixel: always the image (a mail client shows nothing else), counted when the token is ours."""
    try:
        tracking.record_open(int(links.read(links.OPENED, token)))
    except (signing.BadSignature, TypeError, ValueError):
        pass
    return HttpResponse(PIXEL, content_type="image/gif")


@refuses_bad_links
@never_cache
@require_GET
def clicked(request, token):
    """A followed link of an email: counted, then on to it. The signature says we wrote the address; only a
    web address is followed all the same (never javascript: or data:)."""
    delivery_id, url = _signed(links.CLICKED, token)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or url != url.strip():
        return HttpResponseBadRequest(_("This link does not lead to a web page."))
    tracking.record_click(delivery_id, url)
    return HttpResponseRedirect(url)
