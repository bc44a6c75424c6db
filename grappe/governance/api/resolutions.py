"""The governance API's votes: the resolutions a caller may read, and casting their organisation's vote, through
the same services as the pages (services/votes.py). Running counts are never answered before closing: the
turnout only, as on the pages."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from grappe.core.api_schemas import InputSchema, answers
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..models import Resolution
from ..services import resolutions, votes

router = Router()


class OptionOut(Schema):
    id: int
    label_fr: str
    label_en: str
    is_abstention: bool
    votes: int | None = None


class ResolutionOut(Schema):
    id: int
    body_id: int | None
    title_fr: str
    title_en: str
    opens_at: datetime
    closes_at: datetime
    quorum_percent: float
    majority: str
    secret: bool
    max_proxies: int
    state: str
    electors: int
    voted: int
    options: list[OptionOut]
    outcome: str | None = None
    quorum_met: bool | None = None


class VoteIn(InputSchema):
    option: int
    organisation: int | None = None


class VoteOut(Schema):
    resolution: int
    organisation: int
    result: str


def _out(resolution, state: str) -> ResolutionOut:
    results = resolution.results or {}
    counts = {o["id"]: o["votes"] for o in results.get("options", [])}
    turnout = selectors.turnout(resolution)
    return ResolutionOut(
        id=resolution.pk, body_id=resolution.body_id, title_fr=resolution.title_fr, title_en=resolution.title_en,
        opens_at=resolution.opens_at, closes_at=resolution.closes_at,
        quorum_percent=float(resolution.quorum_percent), majority=resolution.majority, secret=resolution.secret,
        max_proxies=resolution.max_proxies, state=state, electors=turnout["electors"], voted=turnout["voted"],
        options=[OptionOut(id=o.pk, label_fr=o.label_fr, label_en=o.label_en, is_abstention=o.is_abstention,
                           votes=counts.get(o.pk) if results else None) for o in resolution.options.all()],
        outcome=results.get("outcome"), quorum_met=results.get("quorum_met"))


@router.get("/governance/resolutions", response=answers(list[ResolutionOut], 403),
            url_name="governance-resolutions", summary="The resolutions put to a vote, open and closed")
def resolution_list(request):
    """The published resolutions (open, upcoming, closed) the caller may read; counts per option once counted."""
    require(request.auth, "governance.view_resolutions")
    groups = selectors.resolutions_for(request.auth)
    return [_out(resolutions.count_if_due(resolution), state)
            for state in ("open", "upcoming", "closed") for resolution in groups[state]]


@router.post("/governance/resolutions/{resolution_id}/vote", response=answers(VoteOut, 403, 404, 409, 422),
             url_name="governance-resolution-vote", summary="Cast my organisation's vote")
def cast_vote(request, resolution_id: int, payload: VoteIn):
    """Casts (or, in an open ballot, changes) the vote of the caller's organisation, or of the organisation given
    in `organisation` whose proxy it holds. 409 outside the voting window, once a secret vote is cast, or when the
    organisation gave its proxy; 422 for an option not of this resolution."""
    resolution = get_object_or_404(Resolution, pk=resolution_id)
    require_visible(request.auth, "governance.view_resolution", resolution)
    require(request.auth, "governance.vote", resolution)
    organisation = request.auth.organisation
    if payload.organisation not in (None, organisation.pk):
        organisation = next((e["organisation"] for e in selectors.ballot(request.auth, resolution)
                             if e["organisation"].pk == payload.organisation), None)
        if organisation is None:
            raise PermissionDenied
    result = votes.cast(actor=request.auth, resolution=resolution, option=payload.option, organisation=organisation)
    return VoteOut(resolution=resolution.pk, organisation=organisation.pk, result=result)
