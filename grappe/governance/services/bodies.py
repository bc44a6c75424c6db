"""The bodies as the staff set them up: a strategic axis, a committee or a work stream (a committee or work stream
may sit under an axis), its names and mandate in both languages, its working language, whether members join
without approval; archiving it; and its two co-chairs.

A co-chair is a member of the body: the seat goes with an active membership (the database's
`co_chair_is_an_active_member` holds it too), so a person is invited first and appointed once they accepted. The
staff seat holds a staff account, the industry seat a person of a member organisation in good standing, sitting
for it. Appointing someone to a taken seat moves it: the previous co-chair stays a plain member. Two staff
appointing the same seat at once queue on the body's row (`locked_body`), the lock every write of a body's
membership takes first."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.rules import is_member_user

from ..models import Body, BodyKind, BodyMember, ChairSeat, MembershipState

BODY_FIELDS = ("kind", "parent", "name_fr", "name_en", "mandate_fr", "mandate_en", "language", "open_to_members")


def locked_body(pk: int) -> Body:
    """The body's row, locked until the transaction ends: every write of its seats and membership takes it first."""
    return Body.objects.select_for_update().get(pk=pk)


def create_body(*, actor, data: Mapping) -> Body:
    require(actor, "governance.manage_bodies")
    with transaction.atomic():
        body = Body(**{name: data[name] for name in BODY_FIELDS if name in data})
        _check(body)
        body.save()
        audit.record(actor, "body.created", body, after=audit.snapshot(body))
    return body


def update_body(*, actor, body: Body, data: Mapping) -> Body:
    require(actor, "governance.manage_bodies")
    with transaction.atomic():
        body = locked_body(body.pk)
        before = audit.snapshot(body)
        for name in BODY_FIELDS:
            if name in data:
                setattr(body, name, data[name])
        _check(body)
        body.save()
        audit.record(actor, "body.changed", body, before=before, after=audit.snapshot(body))
        feed_versions.bump_cluster()  # its name, in the feed's minutes
    return body


def _check(body: Body) -> None:
    """A committee or work stream sits under a running strategic axis, an axis under nothing; an axis with
    committees stays an axis."""
    if body.parent is not None:
        if body.kind == BodyKind.AXIS:
            raise ValidationError({"parent": _("A strategic axis does not sit under another one.")})
        if body.parent.kind != BodyKind.AXIS or body.parent.archived_at is not None or body.parent.pk == body.pk:
            raise ValidationError({"parent": _("Choose a strategic axis that is still running.")})
    if body.pk and body.kind != BodyKind.AXIS and body.children.exists():
        raise ValidationError({"kind": _("Committees or work streams sit under this axis: it stays an axis.")})
    body.full_clean()


def archive_body(*, actor, body: Body) -> Body:
    """Archive a body: it leaves the lists and takes no new members. An axis is archived once nothing runs
    under it."""
    require(actor, "governance.manage_bodies")
    with transaction.atomic():
        body = locked_body(body.pk)
        if body.archived_at is not None:
            raise Conflict(_("This body is already archived."), code="archived")
        if body.children.filter(archived_at__isnull=True).exists():
            raise Conflict(_("Committees or work streams still run under this axis: archive them first."),
                           code="has_children")
        body.archived_at = timezone.now()
        body.save(update_fields=["archived_at"])
        audit.record(actor, "body.archived", body, after={"archived_at": audit.json_value(body.archived_at)})
        feed_versions.bump_cluster()
    return body


def appoint_co_chair(*, actor, body: Body, seat: str, user) -> BodyMember:
    """Give the body's staff or industry seat to `user`, an active member of the body (see the module)."""
    require(actor, "governance.manage_bodies")
    with transaction.atomic():
        body = locked_body(body.pk)
        if body.archived_at is not None:
            raise Conflict(_("This body is archived."), code="archived")
        member = BodyMember.objects.filter(body=body, user=user, state=MembershipState.ACTIVE).first()
        if member is None:
            raise ValidationError(
                _("%(person)s is not a member of “%(body)s”: a co-chair must be one. Invite them first; once they "
                  "have accepted, give them the seat.") % {"person": user, "body": body.name}, code="not_a_member")
        _check_seat(seat, member, user)
        holder = BodyMember.objects.filter(body=body, chair_seat=seat).first()
        if holder is not None and holder.pk == member.pk:
            raise Conflict(_("%(person)s already holds this seat.") % {"person": user}, code="same_co_chair")
        if holder is not None:
            holder.chair_seat = None
            holder.save(update_fields=["chair_seat", "updated_at"])
        member.chair_seat = seat
        member.save(update_fields=["chair_seat", "updated_at"])
        audit.record(actor, "body.co_chair_appointed", body, target_label=body.name,
                     before={"seat": seat, "user": holder.user_id if holder else None},
                     after={"seat": seat, "user": user.pk})
        notify.on_commit(notify.send, [user], "governance.co_chair_appointed", {
            "body_id": body.pk, "body_fr": body.name_fr, "body_en": body.name_en, "seat": seat},
            reverse("governance:body-detail", args=[body.pk]))
    return member


def _check_seat(seat: str, member: BodyMember, user) -> None:
    if seat == ChairSeat.STAFF:
        if not user.is_cluster_staff or member.organisation_id is not None:
            raise ValidationError(_("The staff seat is held by a member of the cluster's staff."), code="not_staff")
    elif seat == ChairSeat.INDUSTRY:
        organisation = user.organisation
        if (user.is_cluster_staff or not is_member_user(user)
                or organisation is None or organisation.pk != member.organisation_id):
            raise ValidationError(
                _("The industry seat is held by a person of a member organisation in good standing, sitting for "
                  "it."), code="not_industry")
    else:
        raise ValidationError(_("Choose the staff seat or the industry seat."), code="seat")
