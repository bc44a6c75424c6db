"""An organisation's people and their accounts: add or change a person, check an address, invite.

A person's account follows the person: saving the person renames, readdresses and (de)activates it, and an
invitation mails the account a link to choose its password. So reaching a person's account is reaching
that account, and the rule is: an organisation's admin reaches only member accounts of its own people
(members.manage_account), and only the cluster staff make an existing account someone's person
(members.link_existing_account). Otherwise an admin could type a staff member's address, invite, change
the address to their own and receive the staff account's password link."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core import audit, outbox
from grappe.core.links import absolute_url
from grappe.core.permissions import require

from .. import selectors
from ..directory_cache import bump_people_version
from ..models import Organisation, Person, User
from .fields import PERSON_FIELDS, apply

LINKED_BY_STAFF_ONLY = gettext_lazy("An account already signs in with this email. Only the cluster staff can "
                                    "make it this person's account.")

def check_person_email(*, actor, email: str, person: Person | None = None) -> None:
    """Raise ValidationError unless `email` may be this person's address (a new person's when None).

    It may when no other person has it and no account signs in with it but the person's own; an account
    with no person yet may be the exception, for the cluster staff only: inviting will then link it.
    """
    email = email.strip().lower()
    others = Person.objects.filter(email__iexact=email)
    if person is not None:
        others = others.exclude(pk=person.pk)
    if others.exists():
        raise ValidationError(_("Someone with this email is already registered."), code="person_email")
    account = selectors.account_with_email(email)
    if account is None or (person is not None and account.pk == person.user_id):
        return
    if (person is not None and person.user_id is not None) or not actor.has_perm("members.link_existing_account"):
        raise ValidationError(LINKED_BY_STAFF_ONLY, code="account_email")


def save_person(*, actor, organisation: Organisation, data: dict, person: Person | None = None) -> Person:
    """Add a person to an organisation or update one. Only one primary contact per organisation.

    The person's account, if any, takes its name, address, language and presence: so the actor must be
    allowed to manage that account, and the address must be free (check_person_email)."""
    require(actor, "members.manage_people", organisation)
    if person is not None and person.organisation_id != organisation.id:
        raise ValueError("person belongs to another organisation")
    with transaction.atomic():
        # One writer of an organisation's people at a time: two people made primary contact at once would
        # otherwise both clear the (still uncommitted) other one and the second save would hit the constraint.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        if person is not None:
            person = Person.objects.select_related("user").get(pk=person.pk)  # as stored, not as a form left it
            if person.user is not None:
                require(actor, "members.manage_account", person.user)
        before = audit.snapshot(person) if person else None
        if "email" in data and (person is None or data["email"].strip().lower() != person.email.lower()):
            check_person_email(actor=actor, email=data["email"], person=person)
        person = person or Person(organisation=organisation)
        apply(person, data, PERSON_FIELDS)
        person.email = person.email.strip().lower()
        if person.is_primary_contact:
            organisation.people.exclude(pk=person.pk).filter(is_primary_contact=True).update(
                is_primary_contact=False)
        person.save()
        if person.user_id:
            User.objects.filter(pk=person.user_id).update(
                email=person.email, full_name=person.full_name, language=person.language,
                is_active=person.is_active)
        audit.record(actor, "person.changed" if before else "person.added", person,
                     before=before, after=audit.snapshot(person))
        bump_people_version()  # a contact's edit or withdrawn consent shows on the next page
    return person


def invite_person(*, actor, person: Person, request=None) -> User:
    """Give a person an account and mail it a link to choose its password. Re-inviting re-sends it.

    The link goes to the account's own address. An account that already signs in with the person's address
    is linked only by the cluster staff (ValidationError for anyone else); a person's account is re-invited
    only by whoever may manage it."""
    require(actor, "members.manage_people", person.organisation)
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        user = person.user
        if user is not None:
            require(actor, "members.manage_account", user)
        else:
            user = selectors.account_with_email(person.email)
            if user is not None and not actor.has_perm("members.link_existing_account"):
                raise ValidationError(LINKED_BY_STAFF_ONLY, code="account_email")
            if user is not None and Person.objects.filter(user=user).exists():
                raise ValidationError(_("The account that signs in with this email is already someone "
                                        "else's."), code="account_taken")
        if user is None:
            user = User.objects.create_user(person.email, full_name=person.full_name, language=person.language)
        person.user = user
        person.invited_at = timezone.now()
        person.save(update_fields=["user", "invited_at", "updated_at"])
        audit.record(actor, "person.invited", person)
        bump_people_version()
        _mail_invitation(person, user, request)
    return user


def _mail_invitation(person: Person, user: User, request) -> None:
    # allauth's own token generator and uid encoding, so that its password-reset page accepts the link;
    # reversed in the person's language so that the link opens the site in it.
    with translation.override(person.language):
        path = reverse("account_reset_password_from_key",
                       kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
        link = absolute_url(path, request)
        outbox.queue(
            user.email,
            _("You are invited to Grappe"),
            render_to_string("members/email/invitation.txt", {"person": person, "link": link}),
        )


def set_communications_consent(*, person: Person, consent: bool, actor=None, by_link: bool = False) -> Person:
    """Give or withdraw a person's consent to the cluster's optional communications (what membership requires
    is sent whatever it says). Allowed through a signed link of an email the person received (`by_link`: the
    caller checked its signature; `actor` is whoever is signed in, None when nobody is), to the person's own
    account, and to whoever manages their organisation's people. Recorded as a change of the person, like any
    other (save_person), and shown on the next directory page."""
    own = actor is not None and person.user_id is not None and person.user_id == actor.pk
    if not (by_link or own):
        if actor is None:
            raise PermissionDenied
        require(actor, "members.manage_people", person.organisation)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.consent_communications == consent:
            return person
        before = audit.snapshot(person)
        person.consent_communications = consent
        person.save(update_fields=["consent_communications", "updated_at"])
        audit.record(actor, "person.changed", person, before=before, after=audit.snapshot(person))
        bump_people_version()
    return person
