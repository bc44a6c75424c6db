"""The partnering API's endpoints: the analysis of a text sent directly or of a saved opportunity, and the
opportunities the caller may see.

Rights are those of the pages (grappe/partnering/rules.py): partnering is for members and the staff; an
opportunity one may not see answers 404, one one may see but not analyse (another member's published
opportunity) answers 403. `POST /partnering/analyse` saves nothing: it infers the competencies of a text,
applies the caller's edits (must-haves, nice-to-haves, removals) and answers as the analysis page would.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from grappe.core.api_errors import invalid, invalid_at
from grappe.core.api_schemas import InputSchema, Named, answers
from grappe.core.paging import ApiPagination
from grappe.core.permissions import require, require_visible
from grappe.members.models import Capability, CertificationType, Organisation
from matching import mentions
from matching.consortia import Rules
from matching.partners import Need

from .. import engine, explain
from ..models import Opportunity
from ..selectors import analysis
from ..selectors.analysis import Analysis, Brought
from ..selectors.opportunities import visible_opportunities
from ..services import opportunities
from ..services.opportunities import MAX_PASTED_LENGTH

router = Router()


# What comes in ------------------------------------------------------------------------------------------

class RulesIn(InputSchema):
    max_size: int | None = Field(None, ge=1, le=10, description="At most this many partners.")
    at_least_one_sme: bool = False
    at_least_one_research: bool = Field(False, description="At least one university, college or research centre.")
    required_region: str | None = Field(None, description="Code of a region (e.g. \"06\" for Montréal).")
    excluded: list[str] = Field([], description="Slugs of organisations never to propose.")
    no_two_competitors: bool = False


class AnalyseIn(InputSchema):
    text: str = Field(..., max_length=MAX_PASTED_LENGTH,
                      description="The opportunity, in French or English: read up to its first 50,000 "
                                  "characters (`notes` says when it was cut); at most 500,000.")
    initiator: str | None = Field(None, description="Slug of the initiating organisation: the staff's choice; "
                                                    "a member analyses for its own organisation.")
    required_certifications: list[str] = Field([], description="Codes of certification types.")
    must_haves: list[str] = Field([], description="Competency codes to require (added if not inferred).")
    nice_to_haves: list[str] = Field([], description="Competency codes that are only nice to have.")
    remove: list[str] = Field([], description="Inferred competency codes to leave out.")
    rules: RulesIn = RulesIn()


# What goes out ------------------------------------------------------------------------------------------

class OrganisationRef(Schema):
    slug: str
    name: str
    kind: str
    region: str
    cluster: str | None = Field(None, description="For a partner from outside the cluster (a capability profile "
                                                  "a partner cluster shared): that cluster's name; its slug is "
                                                  "no member's.")


class CompetencyNeedOut(Named):
    """A competency the opportunity needs (listening's NeedOut is a need a member tells the cluster)."""

    must_have: bool
    held: str = Field(description="The initiator's level: core, secondary, or empty when it lacks it.")
    covered_by: str = Field("", description="For a whole domain: which capabilities of the partners cover it.")


class InferredOut(Named):
    score: float
    triggers: list[str] = Field(description="The words of the text that suggested it.")
    domain: bool = Field(False, description="A whole domain named in the text: any of its capabilities will do.")


class BroughtOut(Named):
    level: str
    evidence: str
    must_have: bool
    covered_by: list[Named] = Field([], description="For a whole domain: the partner's capabilities under it.")


class PartnerOut(Schema):
    organisation: OrganisationRef
    score: float
    brings: list[BroughtOut]
    adds_certifications: list[Named]
    gives_back: list[Named] = Field(description="The initiator's core competencies this partner declared it needs.")
    shared_core: int
    initiator_core: int
    overlap_share: float
    competition: str = Field(description="none, low, potential or direct.")
    overlap: str = Field(description="The competitor risk, in words.")
    introduction_status: str | None
    materials: list[str] = Field([], description="Where it names the opportunity's materials, in words.")


class TeamMemberOut(Schema):
    organisation: OrganisationRef
    brings: list[BroughtOut]
    certifications: list[Named]
    overlap: int


class TeamOut(Schema):
    status: str = Field(description="optimal (proven) or feasible (time limit: see gap).")
    status_text: str
    gap: float
    partners_lower_bound: int
    members: list[TeamMemberOut]
    secondary_only: list[Named]


class SuggestionOut(Schema):
    rules: list[str]
    text: str


class ConsortiaOut(Schema):
    status: str
    teams: list[TeamOut]
    nobody_has: list[Named]
    nobody_certified: list[Named]
    suggestions: list[SuggestionOut]
    explanation: list[str]
    kept_at_initiator_level: list[Named]


class AnalysisOut(Schema):
    initiator: OrganisationRef
    verdict: str = Field(description="go_alone or partners.")
    headline: str
    reasons: list[str]
    needs: list[CompetencyNeedOut]
    missing: list[Named]
    missing_certifications: list[Named]
    partners: list[PartnerOut]
    consortia: ConsortiaOut | None
    inferred: list[InferredOut] = Field([], description="What was found in the text (POST /partnering/analyse).")
    materials: list[Named] = Field([], description="The materials the text names: partners who name them in their "
                                                   "evidence or certifications are preferred.")
    notes: list[str] = Field([], description="What the person should know, e.g. that a long text was cut.")
    seconds: float


class OpportunityOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    visibility: str
    initiator: OrganisationRef
    needs: int
    created_at: str

    @staticmethod
    def resolve_initiator(opportunity) -> dict:
        return _organisation(opportunity.initiator)

    @staticmethod
    def resolve_needs(opportunity) -> int:
        return opportunity.need_count

    @staticmethod
    def resolve_created_at(opportunity) -> str:
        return opportunity.created_at.isoformat()


# Turning an analysis into JSON --------------------------------------------------------------------------

def _organisation(organisation: Organisation | engine.OutsidePartner) -> dict:
    return {"slug": organisation.slug, "name": organisation.display_name, "kind": organisation.kind,
            "region": organisation.region, "cluster": getattr(organisation, "origin", None)}


def _named(rows) -> list[dict]:
    return [{"code": row.code, "label": row.label} for row in rows]


def _brought(items: tuple[Brought, ...]) -> list[dict]:
    return [{"code": b.capability.code, "label": b.capability.label, "level": b.level, "evidence": b.evidence,
             "must_have": b.must_have, "covered_by": _named(b.covered_by)} for b in items]


def _consortia(consortia: analysis.Consortia | None) -> dict | None:
    if consortia is None:
        return None
    return {
        "status": consortia.status,
        "teams": [{"status": team.status, "status_text": team.status_sentence, "gap": team.gap,
                   "partners_lower_bound": team.partners_lower_bound,
                   "members": [{"organisation": _organisation(m.organisation), "brings": _brought(m.brings),
                                "certifications": _named(m.certifications), "overlap": m.overlap}
                               for m in team.members],
                   "secondary_only": _named(team.secondary_only)} for team in consortia.teams],
        "nobody_has": _named(consortia.nobody_has), "nobody_certified": _named(consortia.nobody_certified),
        "suggestions": [{"rules": list(s.rules), "text": s.sentence} for s in consortia.suggestions],
        "explanation": consortia.explanation,
        "kept_at_initiator_level": _named(consortia.kept_at_initiator_level),
    }


def _analysis(result: Analysis, inferred=(), notes=()) -> dict:
    return {
        "initiator": _organisation(result.initiator), "verdict": result.verdict, "headline": result.headline,
        "reasons": list(result.reasons),
        "needs": [{"code": n.capability.code, "label": n.capability.label, "must_have": n.must_have, "held": n.held,
                   "covered_by": n.covered_by_sentence if n.covered_by else ""}
                  for n in result.needs],
        "missing": _named(result.missing), "missing_certifications": _named(result.missing_certifications),
        "partners": [{
            "organisation": _organisation(card.organisation), "score": card.score, "brings": _brought(card.brings),
            "adds_certifications": _named(card.adds_certifications), "gives_back": _named(card.gives_back),
            "shared_core": card.shared_core, "initiator_core": card.initiator_core,
            "overlap_share": card.overlap_share, "competition": card.competition, "overlap": card.overlap_sentence,
            "introduction_status": card.introduction.status if card.introduction else None,
            "materials": list(card.material_reasons),
        } for card in result.partners],
        "consortia": _consortia(result.consortia),
        "inferred": list(inferred),
        "materials": [{"code": code, "label": explain.material_label(code)} for code in result.materials],
        "notes": list(notes),
        "seconds": round(result.seconds, 4),
    }


# Endpoints ----------------------------------------------------------------------------------------------

def _initiator(request, slug: str | None) -> Organisation:
    """A member analyses for its own organisation; the staff name one."""
    user = request.user
    if slug is None:
        if user.organisation is None:
            raise invalid(["body", "payload", "initiator"], _("Name the initiating organisation."))
        return user.organisation
    initiator = Organisation.objects.filter(slug=slug).first()
    if initiator is None:
        raise invalid(["body", "payload", "initiator"], _("Unknown organisation: %(slug)s.") % {"slug": slug})
    opportunities.acts_for(user, initiator)
    return initiator


def _codes(model, codes: list[str], field: str, **filters) -> list[str]:
    known = set(model.objects.filter(code__in=codes, **filters).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise invalid(["body", "payload", field], _("Unknown code: %(code)s.") % {"code": ", ".join(unknown)})
    return codes


def _rules(payload: RulesIn) -> Rules:
    excluded = dict(Organisation.objects.filter(slug__in=payload.excluded).values_list("slug", "pk"))
    if set(payload.excluded) - excluded.keys():
        raise invalid(["body", "payload", "rules", "excluded"], _("Unknown organisation in the excluded list."))
    return analysis.rules_from_json({**payload.dict(), "excluded": list(excluded.values())})


@router.post("/partnering/analyse", response=answers(AnalysisOut, 403, 422), url_name="partnering-analyse",
             summary="Analyse an opportunity described in a text (nothing is saved)")
def analyse_text(request, payload: AnalyseIn):
    """Infers the competencies the text needs, applies your edits, and answers: go alone, or the ranked
    partners and up to three consortia under the rules. An empty, over-long or unrecognisable text answers
    422 with the reason."""
    require(request.user, "partnering.use_partnering")
    initiator = _initiator(request, payload.initiator)
    with invalid_at("body", "payload", "text"):
        inferred = opportunities.infer_competencies(payload.text)
    leaves = {"is_active": True, "parent__isnull": False}
    must = _codes(Capability, payload.must_haves, "must_haves", **leaves)
    nice = _codes(Capability, payload.nice_to_haves, "nice_to_haves", **leaves)
    certifications = _codes(CertificationType, payload.required_certifications, "required_certifications")
    wanted = {i.code: True for i in inferred if i.code not in payload.remove}
    wanted.update(dict.fromkeys(nice, False))
    wanted.update(dict.fromkeys(must, True))
    if not wanted:
        raise invalid(["body", "payload", "remove"], _("Keep at least one competency."))
    text = opportunities.check_description(payload.text)
    result = analysis.analyse_needs(user=request.user, initiator=initiator,
                                    needs=[Need(code, must_have) for code, must_have in wanted.items()],
                                    required_certifications=certifications, rules=_rules(payload.rules),
                                    materials=[m.code for m in mentions.materials(text)])
    labels = engine.capabilities_by_code(i.code for i in inferred)
    found = [{"code": i.code, "label": labels[i.code].label, "score": i.score, "triggers": i.triggers,
              "domain": i.domain} for i in inferred if i.code in labels]
    return _analysis(result, found, [note] if (note := opportunities.cut_note(payload.text)) else [])


@router.get("/partnering/opportunities", response=answers(list[OpportunityOut], 403, 422),
            url_name="partnering-opportunity-list", summary="Opportunities the caller may see")
@paginate(ApiPagination)
def list_opportunities(request):
    """A member sees its organisation's opportunities and those other members published; the staff, all."""
    require(request.user, "partnering.use_partnering")
    return visible_opportunities(request.user).order_by("-created_at", "-pk")


@router.get("/partnering/opportunities/{opportunity_id}/analysis",
            response=answers(AnalysisOut, 403, 404, 409, 422),
            url_name="partnering-opportunity-analysis", summary="The analysis of a saved opportunity")
def opportunity_analysis(request, opportunity_id: int):
    """With its confirmed competencies and the consortium rules chosen last on its page."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("initiator"), pk=opportunity_id)
    require_visible(request.user, "partnering.view_opportunity", opportunity)
    require(request.user, "partnering.analyse_opportunity", opportunity)
    if not opportunity.needs.exists():
        raise HttpError(409, _("This opportunity has no competency to analyse yet."))
    return _analysis(opportunities.analyse(actor=request.user, opportunity=opportunity))
