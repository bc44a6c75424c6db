"""The listening API for needs: a member submits its organisation's needs and reads them; the staff read every
need (staff-only ones included) and filter them."""

import datetime
import uuid

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grappe.core.api_errors import invalid_at
from grappe.core.api_schemas import InputSchema, answers
from grappe.core.paging import ApiPagination
from grappe.core.permissions import require

from ..models import MAX_NEED_LENGTH, NeedCategory, NeedVisibility, Urgency
from ..selectors.needs import NeedFilters, cluster_needs, organisation_needs
from ..services import needs

router = Router()


class NeedIn(InputSchema):
    category: NeedCategory
    text: str = Field(..., min_length=1, max_length=MAX_NEED_LENGTH, description="As typed, in French or English.")
    language: str = Field("fr", pattern="^(fr|en)$")
    urgency: Urgency = Urgency.MEDIUM
    visibility: NeedVisibility = Field(NeedVisibility.ANONYMOUS, description=(
        "staff: the cluster staff only; anonymous: only in aggregate figures; named: also quotable in published "
        "briefs, without the organisation's name."))
    client_token: uuid.UUID | None = Field(None, description=(
        "Send the same token again (a retry) and the need is created once: the first one is returned."))


class NeedOut(Schema):
    id: int
    organisation: str = Field(description="The organisation's slug.")
    category: str
    text: str
    language: str
    urgency: str
    visibility: str
    status: str
    response: str = Field(description="What the cluster did with it (empty until the staff respond).")
    responded_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_organisation(need) -> str:
        return need.organisation.slug


class NeedFilterIn(Schema):
    category: NeedCategory | None = None
    urgency: Urgency | None = None
    visibility: NeedVisibility | None = None
    theme: int | None = None


@router.post("/listening/needs", response=answers({201: NeedOut}, 403, 422), url_name="listening-need-submit",
             summary="Submit a need of the caller's organisation")
def submit_need(request, payload: NeedIn):
    """A member user tells the cluster a need. A blank text answers 422."""
    organisation = request.user.organisation
    if organisation is None:
        require(request.user, "listening.submit_need", None)
    with invalid_at("body", "payload", "text"):
        need = needs.submit_need(actor=request.user, organisation=organisation, category=payload.category,
                                 text=payload.text, language=payload.language, urgency=payload.urgency,
                                 visibility=payload.visibility, token=payload.client_token)
    return Status(201, need)


@router.get("/listening/needs", response=answers(list[NeedOut], 403, 422), url_name="listening-need-list",
            summary="Needs: the caller's organisation's, or every need for the staff")
@paginate(ApiPagination)
def list_needs(request, filters: Query[NeedFilterIn]):
    """Newest first. The staff see every need, staff-only ones included, and may filter; a member sees its own
    organisation's needs."""
    user = request.user
    if user.has_perm("listening.view_cluster_listening"):
        return cluster_needs(NeedFilters(
            category=filters.category or "", urgency=filters.urgency or "", visibility=filters.visibility or "",
            theme=filters.theme))
    require(user, "listening.view_own_needs", user.organisation)
    return organisation_needs(user.organisation).select_related("organisation")
