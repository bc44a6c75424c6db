"""The account's own settings: its address (read here, changed by whoever manages its person) and its
interface language (remembered as the user's preference)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ..services import accounts


@login_required
def email_address(request):
    """Stands in for allauth's "email addresses" page, which let any signed-in user make an address they had
    merely typed (unverified) their account's own: a member could take the address of a person not yet
    invited, of any organisation, and then be linked to that person by the invitation. An account's address
    is its person's, changed by the organisation's admin or the cluster staff
    (members.services.people.save_person)."""
    return render(request, "members/account_email.html")


@require_POST
def set_language(request):
    """Switch the interface language and remember it as the signed-in user's preference."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        accounts.set_language_preference(user=request.user, language=request.POST.get("language", ""))
    return response
