"""The account's address, which its owner reads but does not change here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def email_address(request):
    """Stands in for allauth's "email addresses" page, which let any signed-in user make an address they had
    merely typed (unverified) their account's own: a member could take the address of a person not yet
    invited, of any organisation, and then be linked to that person by the invitation. An account's address
    is its person's, changed by the organisation's admin or the cluster staff (members.services.save_person)."""
    return render(request, "members/account_email.html")
