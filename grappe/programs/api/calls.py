"""The programs API's calls: the calls open now, each with whether the caller's organisation may apply to it
and, if not, why (in the caller's language), as the member's page of open calls shows them."""

import datetime
from decimal import Decimal

from ninja import Router, Schema

from grappe.core.api_schemas import answers

from .. import selectors

router = Router()


class ReasonOut(Schema):
    code: str
    text: str


class OpenCallOut(Schema):
    id: int
    title_fr: str
    title_en: str
    program: str
    funder: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    time_zone: str
    max_amount: Decimal | None
    eligible: bool | None  # None: the caller acts for no organisation
    reasons: list[ReasonOut]


@router.get("/programs/calls", response=answers(list[OpenCallOut]), url_name="programs-open-calls",
            summary="Calls open now, and whether the caller's organisation may apply")
def open_calls(request):
    """The calls taking applications now, the caller's organisation's eligible ones first; each says why the
    organisation may not apply to it, if it may not."""
    organisation = request.user.organisation
    return [OpenCallOut(
        id=row.call.pk, title_fr=row.call.title_fr, title_en=row.call.title_en, program=row.call.program.name,
        funder=row.call.program.funder, opens_at=row.call.opens_at, closes_at=row.call.closes_at,
        time_zone=row.call.time_zone, max_amount=row.call.max_amount,
        eligible=row.eligible if organisation is not None else None,
        reasons=[ReasonOut(code=reason.code, text=reason.text) for reason in row.reasons])
        for row in selectors.open_calls_for(organisation)]
