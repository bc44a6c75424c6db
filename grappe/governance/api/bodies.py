"""The governance API's bodies: the axes, committees and work streams a member or the staff may see, with their
co-chairs; a body's members for its own members and the staff."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from grappe.core.api_schemas import answers
from grappe.core.permissions import require

from .. import selectors

router = Router()


class SeatOut(Schema):
    user_id: int
    name: str
    organisation: str | None
    chair_seat: str | None


class BodyOut(Schema):
    id: int
    kind: str
    name_fr: str
    name_en: str
    parent_id: int | None
    language: str
    member_count: int
    co_chairs: list[SeatOut]


class BodyDetailOut(BodyOut):
    mandate_fr: str
    mandate_en: str
    open_to_members: bool
    members: list[SeatOut] | None


def _seat(member) -> SeatOut:
    return SeatOut(user_id=member.user_id, name=str(member.user), chair_seat=member.chair_seat,
                   organisation=member.organisation.display_name if member.organisation else None)


def _fields(body) -> dict:
    return {"id": body.pk, "kind": body.kind, "name_fr": body.name_fr, "name_en": body.name_en,
            "parent_id": body.parent_id, "language": body.language, "member_count": body.member_count,
            "co_chairs": [_seat(member) for member in body.co_chair_seats]}


@router.get("/governance/bodies", response=answers(list[BodyOut]), url_name="governance-bodies",
            summary="The cluster's strategic axes, committees and work streams")
def body_list(request):
    """The bodies still running, axes first, with their count of members and their co-chairs."""
    require(request.auth, "governance.view_bodies")
    return [BodyOut(**_fields(body)) for body in selectors.bodies().prefetch_related(selectors.co_chair_seats())]


@router.get("/governance/bodies/{body_id}", response=answers(BodyDetailOut, 403, 404, 422),
            url_name="governance-body", summary="A body, with its members for its members and the staff")
def body_detail(request, body_id: int):
    """A running body: its mandate and co-chairs; its active members (with their organisation) when the caller
    sits on it or is staff, else `members` is null."""
    require(request.auth, "governance.view_bodies")
    body = get_object_or_404(selectors.bodies().prefetch_related(selectors.co_chair_seats()), pk=body_id)
    sees = request.auth.has_perm("governance.view_body_members", body)
    return BodyDetailOut(**_fields(body), mandate_fr=body.mandate_fr, mandate_en=body.mandate_en,
                         open_to_members=body.open_to_members,
                         members=[_seat(member) for member in selectors.members_of(body)] if sees else None)
