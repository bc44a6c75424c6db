"""Every write that matters to members' data: check, one transaction, audit entry, notification."""

import datetime

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core import audit, notify, outbox
from grappe.core.links import absolute_url
from grappe.core.permissions import require

from . import selectors
from .directory_cache import bump_directory_version
from .models import (
    REMINDER_DAYS_BEFORE_EXPIRY,
    STAFF_ROLES,
    Capability,
    Certification,
    CertificationType,
    Organisation,
    OrganisationCapability,
    OrgRole,
    Person,
    Segment,
    User,
)
from .search import refresh_search_text

ORGANISATION_FIELDS = (
    "legal_name", "trade_name", "neq", "kind", "size_band", "city", "region", "website", "email", "phone",
    "description_fr", "description_en", "membership_status", "member_since", "membership_ends",
    "listed_in_directory",
)
PERSON_FIELDS = (
    "first_name", "last_name", "title", "email", "phone", "language", "org_role", "is_primary_contact",
    "consent_directory", "consent_communications", "is_active",
)


def unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(instance, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


# Organisations ----------------------------------------------------------------------------------

def create_organisation(*, actor, data: dict) -> Organisation:
    require(actor, "members.add_organisation")
    with transaction.atomic():
        organisation = Organisation(slug=unique_slug(data.get("trade_name") or data["legal_name"]))
        _apply(organisation, data, ORGANISATION_FIELDS)
        organisation.neq = organisation.neq or None
        organisation.save()
        refresh_search_text(organisation)
        audit.record(actor, "organisation.created", organisation, after=audit.snapshot(organisation))
        bump_directory_version()
    return organisation


def update_organisation(*, actor, organisation: Organisation, data: dict) -> Organisation:
    require(actor, "members.change_organisation", organisation)
    if not actor.has_perm("members.add_organisation"):
        # Members keep their profile up to date; membership itself is the staff's business.
        data = {k: v for k, v in data.items() if k not in {"membership_status", "member_since", "membership_ends"}}
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = audit.snapshot(organisation)
        _apply(organisation, data, ORGANISATION_FIELDS)
        organisation.neq = organisation.neq or None
        organisation.save()
        refresh_search_text(organisation)
        after = audit.snapshot(organisation)
        if before != after:
            audit.record(actor, "organisation.changed", organisation, before=before, after=after)
            bump_directory_version()
    return organisation


# Capabilities and certifications of an organisation ---------------------------------------------

def set_capability(*, actor, organisation: Organisation, capability: Capability, level: str,
                   evidence: str = "") -> OrganisationCapability:
    """Declare that an organisation has a capability. Idempotent: declaring it twice updates it."""
    require(actor, "members.change_organisation", organisation)
    if capability.is_domain:
        raise ValueError(_("Choose a capability, not a whole domain."))
    with transaction.atomic():
        existing = OrganisationCapability.objects.filter(organisation=organisation, capability=capability).first()
        before = audit.snapshot(existing) if existing else None
        item, created = OrganisationCapability.objects.update_or_create(
            organisation=organisation, capability=capability, defaults={"level": level, "evidence": evidence}
        )
        refresh_search_text(organisation)
        audit.record(actor, "capability.added" if created else "capability.changed", item,
                     before=before, after=audit.snapshot(item))
        bump_directory_version()
    return item


def remove_capability(*, actor, item: OrganisationCapability) -> None:
    require(actor, "members.change_organisation", item.organisation)
    with transaction.atomic():
        audit.record(actor, "capability.removed", item, before=audit.snapshot(item))
        item.delete()
        refresh_search_text(item.organisation)
        bump_directory_version()


def save_certification(*, actor, organisation: Organisation, data: dict,
                       certification: Certification | None = None) -> Certification:
    require(actor, "members.change_organisation", organisation)
    with transaction.atomic():
        if certification is not None:
            # The row as it is now, not as the caller read it: the reminder job may have stamped it since.
            certification = Certification.objects.select_for_update().get(pk=certification.pk)
        before = audit.snapshot(certification) if certification else None
        certification = certification or Certification(organisation=organisation)
        for name in ("certification_type", "certificate_number", "issued_on", "expires_on", "scope"):
            if name in data:
                setattr(certification, name, data[name])
        if before and before.get("expires_on") != str(certification.expires_on):
            certification.reminder_sent_on = None  # a renewed certificate gets a new reminder
        certification.save()
        refresh_search_text(organisation)
        audit.record(actor, "certification.changed" if before else "certification.added", certification,
                     before=before, after=audit.snapshot(certification))
        bump_directory_version()
    return certification


def remove_certification(*, actor, certification: Certification) -> None:
    require(actor, "members.change_organisation", certification.organisation)
    with transaction.atomic():
        audit.record(actor, "certification.removed", certification, before=audit.snapshot(certification))
        certification.delete()
        refresh_search_text(certification.organisation)
        bump_directory_version()


def send_certification_reminders(today: datetime.date | None = None) -> int:
    """Mail each organisation's admins once about certifications that expire within 60 days."""
    today = today or timezone.localdate()
    due = (
        Certification.objects.filter(expires_on__gte=today,
                                     expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_EXPIRY),
                                     reminder_sent_on__isnull=True)
        .select_related("organisation", "certification_type")
    )
    sent = 0
    for certification in due:
        with transaction.atomic():
            claimed = Certification.objects.filter(pk=certification.pk, reminder_sent_on__isnull=True).update(
                reminder_sent_on=today)
            if not claimed:
                continue  # another worker sent it
            audit.record(None, "certification.reminder_sent", certification)
            admins = certification.organisation.people.filter(
                org_role=OrgRole.ADMIN, is_active=True, user__isnull=False).select_related("user")
            for person in admins:
                _mail_certification_reminder(person, certification)
            notify.on_commit(notify.send, [p.user for p in admins],
                             _("Certification %(name)s expires on %(date)s.") % {
                                 "name": certification.certification_type.label_en,
                                 "date": certification.expires_on},
                             certification.organisation.get_absolute_url())
        sent += 1
    return sent


def _mail_certification_reminder(person: Person, certification: Certification) -> None:
    with translation.override(person.language):
        context = {"person": person, "certification": certification}
        outbox.queue(
            person.email,
            _("Your certification %(name)s expires soon") % {"name": certification.certification_type.label},
            render_to_string("members/email/certification_reminder.txt", context),
        )


# People and invitations ------------------------------------------------------------------------
# A person's account follows the person: saving the person renames, readdresses and (de)activates it, and an
# invitation mails the account a link to choose its password. So reaching a person's account is reaching
# that account, and the rule is: an organisation's admin reaches only member accounts of its own people
# (members.manage_account), and only the cluster staff make an existing account someone's person
# (members.link_existing_account). Otherwise an admin could type a staff member's address, invite, change
# the address to their own and receive the staff account's password link.
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
        _apply(person, data, PERSON_FIELDS)
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


def set_user_role(*, actor, user: User, role: str) -> User:
    require(actor, "members.manage_roles")
    with transaction.atomic():
        before = {"role": user.role}
        user.role = role
        user.is_superuser = False if role not in STAFF_ROLES else user.is_superuser
        user.save(update_fields=["role", "is_superuser"])
        audit.record(actor, "user.role_changed", user, before=before, after={"role": role})
    return user


# The capability taxonomy ------------------------------------------------------------------------

TAXONOMY_FIELDS = ("parent", "code", "label_fr", "label_en", "synonyms_fr", "synonyms_en", "is_active", "position")


def save_capability_node(*, actor, data: dict, capability: Capability | None = None) -> Capability:
    """Create or edit a taxonomy node. The taxonomy has two levels: domain > capability."""
    require(actor, "members.manage_taxonomy")
    parent = data.get("parent")
    if parent is not None and parent.parent_id is not None:
        raise ValueError(_("A capability can only be placed inside a domain."))
    if capability is not None and parent is not None and capability.children.exists():
        raise ValueError(_("A domain that has capabilities cannot be moved inside another domain."))
    with transaction.atomic():
        before = audit.snapshot(capability) if capability else None
        capability = capability or Capability()
        _apply(capability, data, TAXONOMY_FIELDS)
        capability.save()
        audit.record(actor, "taxonomy.changed" if before else "taxonomy.added", capability,
                     before=before, after=audit.snapshot(capability))
    if before and (before["label_fr"], before["label_en"], before["synonyms_fr"], before["synonyms_en"]) != (
            capability.label_fr, capability.label_en, capability.synonyms_fr, capability.synonyms_en):
        notify.on_commit(refresh_holders_search_text, capability)
    bump_directory_version()  # after the holders' search text is refreshed, which runs on commit too
    return capability


def refresh_holders_search_text(capability: Capability) -> None:
    for organisation in Organisation.objects.filter(capabilities__capability=capability):
        refresh_search_text(organisation)


def load_taxonomy(nodes: list[dict], *, actor=None) -> int:
    """Create or update the taxonomy from nested nodes (code, fr, en, synonyms_fr, synonyms_en, children).

    The single way a taxonomy gets in: the shipped aerospace file, a cluster's own file, or a benchmark's.
    Matching is by code, so loading twice changes nothing. Returns the number of nodes loaded.
    """
    existing = {c.code: c for c in Capability.objects.all()}
    to_create, to_update = [], []

    def visit(node: dict, parent_code: str | None, position: int) -> None:
        values = {
            "label_fr": node["fr"], "label_en": node["en"],
            "synonyms_fr": "\n".join(node.get("synonyms_fr") or []),
            "synonyms_en": "\n".join(node.get("synonyms_en") or []),
            "position": position,
        }
        capability = existing.get(node["code"])
        if capability is None:
            capability = Capability(code=node["code"], **values)
            to_create.append((capability, parent_code))
            existing[node["code"]] = capability
        else:
            for key, value in values.items():
                setattr(capability, key, value)
            to_update.append((capability, parent_code))
        for i, child in enumerate(node.get("children") or []):
            visit(child, node["code"], i)

    for i, node in enumerate(nodes):
        visit(node, None, i)
    with transaction.atomic():
        Capability.objects.bulk_create([c for c, _ in to_create], batch_size=1000)
        ids = dict(Capability.objects.values_list("code", "id"))
        changed = []
        for capability, parent_code in to_create + to_update:
            capability.parent_id = ids[parent_code] if parent_code else None
            changed.append(capability)
        Capability.objects.bulk_update(
            changed, ["parent", "label_fr", "label_en", "synonyms_fr", "synonyms_en", "position"], batch_size=1000)
        audit.record(actor, "taxonomy.loaded", None, target_label=f"{len(changed)} nodes",
                     after={"created": len(to_create), "updated": len(to_update)})
        bump_directory_version()
    return len(changed)


def set_language_preference(*, user: User, language: str) -> None:
    """Remember the interface language a user chose (used for pages after sign-in and for mail)."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)


# Segments ---------------------------------------------------------------------------------------

SEGMENT_LISTS = ("kinds", "size_bands", "regions", "membership_statuses")


def _segment_snapshot(segment: Segment) -> dict:
    return {**audit.snapshot(segment),
            "capabilities": sorted(segment.capabilities.values_list("pk", flat=True)),
            "certification_types": sorted(segment.certification_types.values_list("pk", flat=True))}


def save_segment(*, actor, data: dict, segment: Segment | None = None) -> Segment:
    """Create or change a segment from a SegmentForm's cleaned data. Audited with its criteria."""
    require(actor, "members.manage_segments")
    with transaction.atomic():
        if segment is None:
            segment, before = Segment(created_by=actor), None
        else:
            segment = Segment.objects.select_for_update().get(pk=segment.pk)
            before = _segment_snapshot(segment)
        segment.name = data["name"].strip()
        for name in SEGMENT_LISTS:
            setattr(segment, name, sorted(set(data.get(name) or ())))
        segment.save()
        segment.capabilities.set(Capability.objects.filter(pk__in=data.get("capabilities") or ()))
        segment.certification_types.set(
            CertificationType.objects.filter(pk__in=data.get("certification_types") or ()))
        after = _segment_snapshot(segment)
        if before != after:
            audit.record(actor, "segment.created" if before is None else "segment.changed", segment,
                         before=before, after=after)
    return segment


def delete_segment(*, actor, segment: Segment) -> None:
    """Delete a segment. One that a survey or a bulletin still uses is protected by their foreign keys
    (ProtectedError), and nothing is deleted."""
    require(actor, "members.manage_segments")
    with transaction.atomic():
        audit.record(actor, "segment.deleted", segment, before=_segment_snapshot(segment))
        segment.delete()
