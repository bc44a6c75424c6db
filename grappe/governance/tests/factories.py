"""Governance objects for tests: a body with its two co-chairs."""

from grappe.governance.models import Body, BodyKind, BodyMember, ChairSeat, MembershipState


def make_body(kind=BodyKind.COMMITTEE, name="Comité environnement", *, parent=None, **fields) -> Body:
    return Body.objects.create(kind=kind, parent=parent, name_fr=name, name_en=fields.pop("name_en", name), **fields)


def seat(body, user, *, chair_seat=None, state=MembershipState.ACTIVE) -> BodyMember:
    """The user's seat in the body: a member organisation's person sits for their current organisation."""
    organisation = None if user.is_cluster_staff else user.organisation
    return BodyMember.objects.create(body=body, user=user, organisation=organisation, state=state,
                                     chair_seat=chair_seat)


def co_chaired(body, staff_user, industry_user) -> Body:
    seat(body, staff_user, chair_seat=ChairSeat.STAFF)
    seat(body, industry_user, chair_seat=ChairSeat.INDUSTRY)
    return body
