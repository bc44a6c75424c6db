"""The governance API's bodies: the axes, committees and work streams a member or the staff may see."""

from ninja import Router, Schema

from grappe.core.api_schemas import answers
from grappe.core.permissions import require

from .. import selectors

router = Router()


class BodyOut(Schema):
    id: int
    kind: str
    name_fr: str
    name_en: str
    parent_id: int | None
    language: str
    member_count: int


@router.get("/governance/bodies", response=answers(list[BodyOut]), url_name="governance-bodies",
            summary="The cluster's strategic axes, committees and work streams")
def body_list(request):
    """The bodies still running, axes first, with their count of members."""
    require(request.auth, "governance.view_bodies")
    return [BodyOut(id=body.pk, kind=body.kind, name_fr=body.name_fr, name_en=body.name_en,
                    parent_id=body.parent_id, language=body.language, member_count=body.member_count)
            for body in selectors.bodies()]
