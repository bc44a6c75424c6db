"""Interests across clusters: a member says it is interested in an item a partner cluster shared; the interest
travels to that cluster's staff, who make the introduction with both sides' consent.

On our members' side (the interest is *sent*):
- `express`: one interest per organisation and item (a second click returns the first). An `Offer` goes to the
  item's cluster only: a `Note` with the message, `inReplyTo` the item's id, `attributedTo` our organisation's
  name, and `grappe:contact` (the person's name and work email) only when the person ticked the box.
- `on_accept` / `on_reject`: the origin's answer. An `Accept` carries the contact of the person who agreed to
  be introduced; the person who expressed the interest is told either way.

On the origin's side (the interest is *received*, in one of our shared items):
- `on_offer`: an Offer about an item we share with that partner becomes an interest waiting for the staff, who
  are told. An Offer about anything else (not ours, no longer shared, of a kind that partner does not receive)
  is answered with a `Reject` and stored nowhere.
- `introduce` (staff): the administrators of the item's organisation are asked to consent. An event has no
  owner among the members: the staff introduce themselves at once.
- `consent` (an administrator of the item's organisation): the `Accept` goes with that administrator's name
  and work email.
- `decline` (the staff, or the item's organisation once asked): a `Reject` with the reason given, if any.

Every write is one transaction with one audit entry; an activity received is recorded with no actor (a partner
did it). Notifications leave once the transaction commits.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import OrgRole, User
from grappe.members.selectors import staff_users

from .. import protocol, selectors
from ..models import Interest, InterestStatus, ItemKind, Partner, RemoteItem, SharedItem
from . import delivery

logger = logging.getLogger(__name__)

MESSAGE_MAX = 3000
REASON_MAX = 1000
NAME_MAX = 300


# Sending an interest, and what comes back -------------------------------------------------------------

def express(user, remote_item: RemoteItem, message: str, give_contact: bool) -> Interest:
    """Send the interest of `user`'s organisation in another cluster's item (see the module's docstring)."""
    require(user, "federation.express_interest")
    organisation = user.organisation
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say in a few words why your organisation is interested.")})
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": _("At most %(max)d characters.") % {"max": MESSAGE_MAX}})
    already = selectors.interest_of(organisation, remote_item)
    if already is not None:
        return already
    partner = remote_item.partner
    if not partner.is_active or remote_item.withdrawn_at is not None:
        raise Conflict(_("This item is no longer offered by its cluster."), code="not_available")
    contact = _own_contact(user) if give_contact else None
    interest = Interest(activity_id=protocol.new_activity_id(), partner=partner, remote_item=remote_item,
                        organisation=organisation, person=user, message=message, status=InterestStatus.SENT)
    try:
        with transaction.atomic():
            interest.save()
            note = {"type": "Note", "content": message, "inReplyTo": remote_item.object_url,
                    "attributedTo": organisation.display_name}
            if contact:
                note["grappe:contact"] = contact
            delivery.publish("Offer", note, partners=[partner], id=interest.activity_id)
            audit.record(user, "interest.sent", interest, target_label=remote_item.title,
                         after={"partner": partner.name, "item": remote_item.object_url,
                                "contact_given": contact is not None})
    except IntegrityError:
        # Two clicks at once: the first one's interest is the organisation's one.
        return Interest.objects.get(organisation=organisation, remote_item=remote_item)
    return interest


def on_accept(partner: Partner, activity: dict) -> None:
    """The origin cluster made the introduction: keep the contact it sent and tell the person interested."""
    interest = _sent_interest(partner, activity)
    if interest is None:
        return
    result = activity.get("result") if isinstance(activity.get("result"), dict) else {}
    interest.answer = {"contact": _contact(result.get("grappe:contact")), **_texts(result)}
    _answered(interest, InterestStatus.INTRODUCED, "interest.introduced", "federation.interest_introduced")


def on_reject(partner: Partner, activity: dict) -> None:
    """The origin cluster declined: keep its reason and tell the person interested."""
    interest = _sent_interest(partner, activity)
    if interest is None:
        return
    interest.answer = _texts(activity)
    _answered(interest, InterestStatus.DECLINED, "interest.declined", "federation.interest_declined")


def _sent_interest(partner: Partner, activity: dict) -> Interest | None:
    """Our interest the answer is about, still waiting for one; None (and nothing done) otherwise."""
    offer_id = _id_of(activity.get("object"))
    interest = (Interest.objects.select_for_update(of=("self",)).select_related("remote_item", "organisation")
                .filter(activity_id=offer_id, partner=partner, remote_item__isnull=False).first())
    if interest is None or interest.status != InterestStatus.SENT:
        logger.info("answer %s from %s to no interest waiting for one (%s): ignored",
                    activity.get("id"), partner.name, offer_id)
        return None
    return interest


def _answered(interest: Interest, status: str, action: str, kind: str) -> None:
    interest.status, interest.decided_at = status, timezone.now()
    interest.save(update_fields=["answer", "status", "decided_at"])
    audit.record(None, action, interest, target_label=interest.remote_item.title,
                 after={"status": status, "partner": interest.partner.name})
    people = [interest.person] if interest.person is not None and interest.person.is_active else []
    notify.on_commit(notify.send, people or administrators(interest.organisation), kind, {
        "interest_id": interest.pk, "partner": interest.partner.name, "title": interest.remote_item.title},
        reverse("federation:sent-interests"))


# Receiving an interest, and answering it --------------------------------------------------------------

def on_offer(partner: Partner, activity: dict) -> None:
    """A partner's member is interested in one of our items: an interest waits for the staff, who are told."""
    note = activity.get("object") if isinstance(activity.get("object"), dict) else {}
    shared = shared_item_at(note.get("inReplyTo"))
    if shared is None or shared.kind not in partner.kinds or not partner.is_active:
        logger.info("offer %s from %s about %r, which we do not share with it: refused", activity.get("id"),
                    partner.name, note.get("inReplyTo"))
        _reject_unknown(partner, activity)
        return
    if Interest.objects.filter(activity_id=activity["id"]).exists():
        return
    organisation = note.get("attributedTo")
    interest = Interest.objects.create(
        activity_id=activity["id"], partner=partner, shared_item=shared, status=InterestStatus.RECEIVED,
        remote_organisation=organisation[:NAME_MAX] if isinstance(organisation, str) else "",
        remote_contact=_contact(note.get("grappe:contact")), message=_text(note.get("content"), MESSAGE_MAX))
    title = selectors.shared_item_title(shared)
    audit.record(None, "interest.received", interest, target_label=title,
                 after={"partner": partner.name, "organisation": interest.remote_organisation})
    notify.on_commit(notify.send, staff_users(), "federation.interest_received", _params(interest, title),
                     reverse("federation:received-interest", args=[interest.pk]))


def introduce(user, interest: Interest) -> Interest:
    """The staff take the interest further: the item's organisation is asked to consent; for an event (the
    staff's own item) the introduction is made at once, with the staff member's contact."""
    require(user, "federation.handle_interests")
    with transaction.atomic():
        interest = _locked(interest)
        _waiting(interest, {InterestStatus.RECEIVED})
        owner = interest.shared_item.organisation
        if owner is None:
            return _introduce(user, interest, {"name": user.full_name or user.email, "email": user.email})
        interest.status = InterestStatus.ASKED
        interest.save(update_fields=["status"])
        title = selectors.shared_item_title(interest.shared_item)
        audit.record(user, "interest.asked", interest, target_label=title,
                     before={"status": InterestStatus.RECEIVED}, after={"status": interest.status})
        params, url = _params(interest, title), reverse("federation:received-interest", args=[interest.pk])
        notify.on_commit(notify.send, administrators(owner), "federation.interest_asked", params, url)
    return interest


def consent(user, interest: Interest) -> Interest:
    """An administrator of the item's organisation agrees to be introduced: the Accept carries their name and
    work email."""
    require(user, "federation.consent_interest", interest)
    with transaction.atomic():
        interest = _locked(interest)
        _waiting(interest, {InterestStatus.ASKED})
        _introduce(user, interest, _own_contact(user))
        _tell_staff(interest, "federation.interest_agreed")
    return interest


def decline(user, interest: Interest, reason: str = "") -> Interest:
    """The staff (while the interest waits for them or for the member) or the item's organisation (once asked)
    decline: a Reject goes back with the reason, if one is given."""
    require(user, "federation.decline_interest", interest)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(max)d characters.") % {"max": REASON_MAX}})
    with transaction.atomic():
        interest = _locked(interest)
        _waiting(interest, {InterestStatus.RECEIVED, InterestStatus.ASKED} if user.is_cluster_staff
                 else {InterestStatus.ASKED}, item_needed=False)
        before = interest.status
        delivery.publish("Reject", interest.activity_id, partners=[interest.partner],
                         **({"content": reason} if reason else {}))
        interest.status, interest.answer = InterestStatus.DECLINED, ({"message": reason} if reason else {})
        _decided(interest, user)
        audit.record(user, "interest.declined", interest,
                     target_label=selectors.shared_item_title(interest.shared_item),
                     before={"status": before}, after={"status": interest.status, "reason": reason})
        if not user.is_cluster_staff:
            _tell_staff(interest, "federation.interest_refused")
    return interest


def _introduce(user, interest: Interest, contact: dict) -> Interest:
    """Send the Accept with `contact` and a sentence in both languages, in the caller's transaction."""
    title = selectors.shared_item_title(interest.shared_item)
    texts = _in_each_language(lambda: _(
        "%(name)s agrees to be introduced about “%(title)s”: write to them at %(email)s.") % {
        **contact, "title": title})
    delivery.publish("Accept", interest.activity_id, partners=[interest.partner], result={
        "type": "Note", "content": texts[settings.LANGUAGE_CODE], "contentMap": texts,
        "grappe:contact": contact})
    before = interest.status
    interest.status, interest.answer = InterestStatus.INTRODUCED, {"contact": contact}
    _decided(interest, user)
    audit.record(user, "interest.introduced", interest, target_label=title, before={"status": before},
                 after={"status": interest.status, "contact": contact})
    return interest


def _tell_staff(interest: Interest, kind: str) -> None:
    """The staff who asked the item's organisation hear its answer."""
    params = {**_params(interest, selectors.shared_item_title(interest.shared_item)),
              "owner": interest.shared_item.organisation.display_name if interest.shared_item else ""}
    notify.on_commit(notify.send, staff_users(), kind, params,
                     reverse("federation:received-interest", args=[interest.pk]))


def _decided(interest: Interest, user) -> None:
    interest.decided_by, interest.decided_at = user, timezone.now()
    interest.save(update_fields=["status", "answer", "decided_by", "decided_at"])


def _locked(interest: Interest) -> Interest:
    """The received interest, locked, so that two answers at once make one (the second one sees the first)."""
    return (Interest.objects.select_for_update(of=("self",)).select_related("partner", "shared_item")
            .get(pk=interest.pk, remote_item__isnull=True))


def _waiting(interest: Interest, statuses: set, *, item_needed: bool = True) -> None:
    if interest.status not in statuses:
        raise Conflict(_("This interest was already answered."), code="answered")
    if item_needed and interest.shared_item is None:
        raise Conflict(_("The item is no longer shared: decline the interest instead."), code="not_shared")
    if not interest.partner.is_active:
        raise Conflict(_("The partnership with %(partner)s is not active: nothing can be sent to it now.") % {
            "partner": interest.partner.name}, code="partner_inactive")


def _reject_unknown(partner: Partner, activity: dict) -> None:
    if partner.is_active and isinstance(activity.get("id"), str):
        texts = _in_each_language(lambda: _("This item is not shared with your cluster."))
        delivery.publish("Reject", activity["id"], partners=[partner], content=texts[settings.LANGUAGE_CODE],
                         contentMap=texts)


# Helpers ---------------------------------------------------------------------------------------------------

def shared_item_at(url) -> SharedItem | None:
    """Our shared item whose id (protocol.object_url) is `url`, or None for any other address."""
    if not isinstance(url, str):
        return None
    for kind in ItemKind.values:
        prefix = protocol.object_url(kind, 0)[:-1]  # ".../federation/items/<kind>/"
        number = url.removeprefix(prefix)
        if number != url and number.isdigit() and protocol.object_url(kind, int(number)) == url:
            return SharedItem.objects.filter(kind=kind, object_id=int(number)).first()
    return None


def administrators(organisation) -> list:
    """The active administrators of an organisation, with an account."""
    return list(User.objects.filter(person__organisation=organisation, person__org_role=OrgRole.ADMIN,
                                    person__is_active=True, is_active=True))


def _own_contact(user) -> dict:
    """A member's name and work email (the person's, else the account's), as they travel."""
    person = getattr(user, "person", None)
    if person is not None:
        return {"name": person.full_name, "email": person.email}
    return {"name": user.full_name or user.email, "email": user.email}


def _contact(value) -> dict:
    """A contact as received: a name and a valid email, else nothing."""
    if not isinstance(value, dict):
        return {}
    name, email = _text(value.get("name"), NAME_MAX), _text(value.get("email"), 254)
    try:
        validate_email(email)
    except ValidationError:
        return {}
    return {"name": name, "email": email}


def _in_each_language(say) -> dict:
    """{language: what `say()` says in it} for each of our languages: a partner's people read either."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = say()
    return texts


def _texts(obj: dict) -> dict:
    """The message of an answer: its text, and its text in each of our languages when it came with them."""
    texts = {"message": _text(obj.get("content"), MESSAGE_MAX)}
    languages = obj.get("contentMap") if isinstance(obj.get("contentMap"), dict) else {}
    for language, _name in settings.LANGUAGES:
        if isinstance(languages.get(language), str):
            texts[f"message_{language}"] = _text(languages[language], MESSAGE_MAX)
    return texts


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _id_of(value) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _params(interest: Interest, title: str) -> dict:
    return {"interest_id": interest.pk, "partner": interest.partner.name,
            "organisation": interest.remote_organisation, "title": title}
