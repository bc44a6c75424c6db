"""What a person controls of the mail they receive: topics they leave or come back to, how often (each bulletin
or a digest), and their consent to optional communications altogether. Honoured at once: targeting reads these
rows when it resolves recipients.

Two ways in: a signed link of an email (`by_link=True`: the link names the person and authorises the change,
whoever is signed in or nobody) or the person's own account. An email may be forwarded, and its links with it: a
signed link only narrows what the person receives (leave topics, stop all, choose a digest); coming back to a
topic or giving consent back needs the person signed in. `actor` is who acted, for the audit trail: the
signed-in user, or None when the link was followed without a session; the person is the entry's target.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.permissions import require
from grappe.members.models import Person
from grappe.members.services.people import set_communications_consent

from ..models import Frequency, MailPreference, Topic, Unsubscription


def _check(actor, person: Person, by_link: bool) -> None:
    if by_link:
        return
    if actor is None:
        raise PermissionDenied
    require(actor, "bulletins.change_mail_preferences", person)


def unsubscribe(person: Person, topic: str, *, actor=None, by_link: bool = False) -> bool:
    """Stop sending `topic` to the person. Idempotent: a second click (or two at once) leaves one row and one
    audit entry; True when this call unsubscribed."""
    _check(actor, person, by_link)
    if topic not in Topic.values:
        raise ValueError(f"not a topic one may leave: {topic}")
    with transaction.atomic():
        try:
            with transaction.atomic():  # the unique constraint settles two clicks at once
                _, created = Unsubscription.objects.get_or_create(person=person, topic=topic)
        except IntegrityError:
            created = False
        if created:
            audit.record(actor, "mail.unsubscribed", person, after={"topic": topic})
    return created


def preferences_of(person: Person) -> dict:
    """What the person chose: frequency, topics kept, and whether they consent to optional communications."""
    preference = MailPreference.objects.filter(person=person).first()
    left = set(Unsubscription.objects.filter(person=person).values_list("topic", flat=True))
    return {"frequency": preference.frequency if preference else Frequency.IMMEDIATE,
            "topics": [topic for topic in Topic.values if topic not in left],
            "communications": person.consent_communications}


def set_preferences(person: Person, frequency: str, topics: list[str], *, communications: bool | None = None,
                    actor=None, by_link: bool = False) -> dict:
    """Save how often the person gets mail and which topics they keep (the others are left; a topic ticked
    again is back). `communications` False stops every optional communication (members.Person's consent),
    True gives it back, None leaves it. Notices to members are no topic: membership requires them."""
    _check(actor, person, by_link)
    if frequency not in Frequency.values or not set(topics) <= set(Topic.values):
        raise ValueError("unknown frequency or topic")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = preferences_of(person)
        if by_link and (set(topics) - set(before["topics"]) or (communications and not before["communications"])):
            # A signed link may be in a forwarded email: it only narrows (see the module's docstring).
            raise PermissionDenied(_("Coming back to a topic or giving your consent back needs you to sign in."))
        MailPreference.objects.update_or_create(person=person, defaults={"frequency": frequency})
        Unsubscription.objects.filter(person=person, topic__in=topics).delete()
        Unsubscription.objects.bulk_create(
            [Unsubscription(person=person, topic=topic) for topic in Topic.values if topic not in topics],
            ignore_conflicts=True)
        if communications is not None:
            person = set_communications_consent(person=person, consent=communications, actor=actor,
                                                by_link=by_link)
        after = preferences_of(person)
        if before["frequency"] != Frequency.IMMEDIATE and frequency == Frequency.IMMEDIATE:
            # No digest run takes them any more: what they kept for their digest leaves now, as a last digest.
            from .digests import mail_pending

            mail_pending(person.pk, before["frequency"])
        if after != before:
            audit.record(actor, "mail.preferences_changed", person, before=before, after=after)
    return after
