"""Who sits on a body: invitations, requests to join, joining, leaving, removal.

- The staff or a co-chair invite a person (a member user of a member organisation in good standing, or staff):
  the membership is `invited` until the person accepts (active) or declines (the invitation is gone).
- A member user joins an open body at once; otherwise they ask (`requested`) and a co-chair or the staff accept
  (active) or refuse (the request is gone). The person is told either way.
- A person leaves (`left`); a co-chair or the staff remove a member (`left`). A co-chair keeps their membership
  until their seat is given to someone else (services/bodies.py): a seat goes with an active membership.

A member's person sits for the organisation they act for when they become active: they lose their rights when
they leave it (rules.seat_of). One row per person and body (a unique constraint): joining again reuses it. Every
write takes the body's lock first (bodies.locked_body), so a double click on "join" finds the row the first click
made and changes nothing; the constraint stands behind it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.rules import is_member_user

from ..models import Body, BodyMember, MembershipState
from .bodies import locked_body


def _running(body: Body) -> Body:
    body = locked_body(body.pk)
    if body.archived_at is not None:
        raise Conflict(_("This body is archived: it takes no new members."), code="archived")
    return body


def _params(body: Body, **more) -> dict:
    return {"body_id": body.pk, "body_fr": body.name_fr, "body_en": body.name_en, **more}


def _url(body: Body) -> str:
    return reverse("governance:body-detail", args=[body.pk])


def _tell(users, kind: str, body: Body, **params) -> None:
    """Notify these users once the transaction commits (each reads it in their language)."""
    notify.on_commit(notify.send, list(users), kind, _params(body, **params), _url(body))


def _sits_for(user):
    """The organisation a person sits for: none for the staff, their current one for a member's person (who must
    act for a member in good standing)."""
    if user.is_cluster_staff:
        return None
    if not is_member_user(user):
        raise ValidationError(
            _("%(person)s does not act for a member organisation in good standing.") % {"person": user},
            code="not_a_member_user")
    return user.organisation


def _co_chairs(body: Body):
    return [member.user for member in
            body.members.filter(chair_seat__isnull=False).select_related("user")]


def _record(actor, action: str, member: BodyMember, before_state: str | None, *, gone: bool = False) -> None:
    """The one audit entry of a change of membership: its state before and after (none once it is gone). The
    organisation's feed shows the minutes of the bodies where its people sit: it is renewed."""
    feed_versions.bump_organisation(member.organisation_id)
    audit.record(actor, action, member, target_label=f"{member.user} — {member.body.name}",
                 before={"state": before_state} if before_state else None,
                 after=None if gone else {"state": member.state, "organisation": member.organisation_id})


def invite(*, actor, body: Body, user) -> BodyMember:
    """Invite a person to the body; they are told and accept or decline."""
    require(actor, "governance.manage_members", body)
    with transaction.atomic():
        body = _running(body)
        organisation = _sits_for(user)
        member = BodyMember.objects.filter(body=body, user=user).first()
        before = member.state if member else None
        if before == MembershipState.ACTIVE:
            raise Conflict(_("%(person)s is already a member.") % {"person": user}, code="already_member")
        if before == MembershipState.INVITED:
            raise Conflict(_("%(person)s is already invited.") % {"person": user}, code="already_invited")
        if before == MembershipState.REQUESTED:
            raise Conflict(_("%(person)s already asked to join: accept their request below.") % {"person": user},
                           code="already_requested")
        member = member or BodyMember(body=body, user=user)
        member.organisation, member.state, member.invited_by = organisation, MembershipState.INVITED, actor
        member.save()
        _record(actor, "body.member_invited", member, before)
        _tell([user], "governance.invited", body, by=str(actor), user_id=user.pk)
    return member


def answer_invitation(*, actor, member: BodyMember, accept: bool) -> BodyMember:
    """The invited person accepts (they sit for their current organisation) or declines."""
    with transaction.atomic():
        body = locked_body(member.body_id)
        member = BodyMember.objects.select_related("body", "user").get(pk=member.pk)
        if member.user_id != actor.pk:
            raise PermissionDenied
        if member.state != MembershipState.INVITED:
            raise Conflict(_("This invitation was already answered or withdrawn."), code="not_invited")
        if accept:
            if body.archived_at is not None:
                raise Conflict(_("This body is archived: it takes no new members."), code="archived")
            member.organisation = _sits_for(actor)
            member.state = MembershipState.ACTIVE
            member.save()
            _record(actor, "body.invitation_accepted", member, MembershipState.INVITED)
        else:
            _record(actor, "body.invitation_declined", member, MembershipState.INVITED, gone=True)
            member.delete()
        if member.invited_by_id:
            _tell([member.invited_by], "governance.invitation_answered", body, person=str(actor),
                  accepted=accept)
    return member


def join(*, actor, body: Body) -> BodyMember:
    """Join the body (an open one, or any for the staff), accept one's invitation, or ask to join. Joining twice
    (a double click) changes nothing the second time."""
    require(actor, "governance.join_bodies")
    with transaction.atomic():
        body = _running(body)
        member = BodyMember.objects.filter(body=body, user=actor).first()
        before = member.state if member else None
        if before in (MembershipState.ACTIVE, MembershipState.REQUESTED):
            return member
        if before == MembershipState.INVITED:
            member.organisation, member.state = _sits_for(actor), MembershipState.ACTIVE
            member.save()
            _record(actor, "body.invitation_accepted", member, before)
            return member
        member = member or BodyMember(body=body, user=actor)
        member.organisation = _sits_for(actor)
        member.invited_by = None
        at_once = body.open_to_members or actor.is_cluster_staff
        member.state = MembershipState.ACTIVE if at_once else MembershipState.REQUESTED
        member.save()
        _record(actor, "body.joined" if at_once else "body.join_requested", member, before)
        if not at_once:
            _tell([user for user in _co_chairs(body) if user.pk != actor.pk], "governance.join_requested", body,
                  person=str(actor), organisation=member.organisation.display_name if member.organisation else "")
    return member


def answer_request(*, actor, member: BodyMember, accept: bool) -> BodyMember:
    """A co-chair or the staff accept or refuse a person's request to join; the person is told."""
    with transaction.atomic():
        body = locked_body(member.body_id)
        require(actor, "governance.manage_members", body)
        member = BodyMember.objects.select_related("body", "user").get(pk=member.pk)
        if member.state != MembershipState.REQUESTED:
            raise Conflict(_("This request was already answered or withdrawn."), code="not_requested")
        if accept:
            if body.archived_at is not None:
                raise Conflict(_("This body is archived: it takes no new members."), code="archived")
            member.organisation = _sits_for(member.user)
            member.state = MembershipState.ACTIVE
            member.save()
            _record(actor, "body.request_accepted", member, MembershipState.REQUESTED)
        else:
            _record(actor, "body.request_refused", member, MembershipState.REQUESTED, gone=True)
            member.delete()
        _tell([member.user], "governance.request_answered", body, accepted=accept)
    return member


def leave(*, actor, body: Body) -> BodyMember:
    """Leave the body, or withdraw one's request to join. A co-chair gives their seat up first."""
    with transaction.atomic():
        body = locked_body(body.pk)
        member = BodyMember.objects.filter(body=body, user=actor).first()
        if member is None or member.state not in (MembershipState.ACTIVE, MembershipState.REQUESTED):
            raise Conflict(_("You are not a member of this body."), code="not_a_member")
        if member.chair_seat:
            raise Conflict(_("You co-chair this body: the staff must give your seat to someone else before you "
                             "leave."), code="co_chair")
        before = member.state
        member.state = MembershipState.LEFT
        member.save(update_fields=["state", "updated_at"])
        _record(actor, "body.left", member, before)
    return member


def remove_member(*, actor, member: BodyMember) -> BodyMember:
    """A co-chair or the staff remove a member, or withdraw an invitation. A co-chair is removed once their
    seat is someone else's."""
    with transaction.atomic():
        body = locked_body(member.body_id)
        require(actor, "governance.manage_members", body)
        member = BodyMember.objects.select_related("body", "user").get(pk=member.pk)
        if member.user_id == actor.pk:
            raise Conflict(_("To leave the body, use “Leave”."), code="self")
        if member.state not in (MembershipState.ACTIVE, MembershipState.INVITED):
            raise Conflict(_("%(person)s is not a member.") % {"person": member.user}, code="not_a_member")
        if member.chair_seat:
            raise Conflict(_("%(person)s co-chairs this body: give the seat to someone else first.") % {
                "person": member.user}, code="co_chair")
        before = member.state
        member.state = MembershipState.LEFT
        member.save(update_fields=["state", "updated_at"])
        _record(actor, "body.member_removed", member, before)
        if before == MembershipState.ACTIVE:
            _tell([member.user], "governance.removed", body)
    return member
