"""Writes about an opportunity: describe it, confirm its competencies, analyse it (remembering the rules
chosen), publish or take it back, close it.

Each function checks the actor's right, works in one transaction, leaves an audit entry and tells the other
side once the transaction commits (grappe.core.notify). Bad input raises ValidationError with a message for
the person, and nothing is saved.
"""

from collections.abc import Collection, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grappe.core import audit, jobs, notify, vectors
from grappe.core.permissions import require
from grappe.members.models import Capability, CertificationType, Organisation
from matching import mentions
from matching.consortia import Rules

from .. import engine
from ..models import (
    MAX_DESCRIPTION_LENGTH,
    IntroductionStatus,
    NeedSource,
    Opportunity,
    OpportunityNeed,
    OpportunityStatus,
    Visibility,
)
from ..selectors import analysis
from . import notices

INFERRED_SHOWN = 12  # competencies proposed from a text, best first
# Past this, what was pasted is a whole file, refused; between MAX_DESCRIPTION_LENGTH and this, it is cut.
MAX_PASTED_LENGTH = 10 * MAX_DESCRIPTION_LENGTH
OPPORTUNITY_FIELDS = ("kind", "title", "description", "region", "budget", "deadline")


# Describing an opportunity --------------------------------------------------------------------------------

def check_description(text: str) -> str:
    """The description, stripped and cut at the limit (MAX_DESCRIPTION_LENGTH, at the end of a word: a pasted
    tender of 10,000 words is read up to there, and `cut_note` tells the person), or a ValidationError a person
    understands: empty, or so long that it is a whole file rather than a text."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Describe the opportunity: what is to be done, for whom, with what."),
                              code="empty")
    if len(text) > MAX_PASTED_LENGTH:
        raise ValidationError(
            _("This description has %(length)s characters; keep it under %(limit)s (paste the summary of a "
              "call for tenders, not the whole file).") % {"length": f"{len(text):,}", "limit": f"{MAX_DESCRIPTION_LENGTH:,}"},
            code="too_long")
    if len(text) <= MAX_DESCRIPTION_LENGTH:
        return text
    kept = text[:MAX_DESCRIPTION_LENGTH]
    if not text[MAX_DESCRIPTION_LENGTH].isspace() and any(c.isspace() for c in kept):
        kept = kept[:max(i for i, c in enumerate(kept) if c.isspace())]
    return kept.rstrip()


def cut_note(text: str) -> str:
    """What to tell the person whose description `check_description` cut; empty when it was kept whole."""
    length = len((text or "").strip())
    if not MAX_DESCRIPTION_LENGTH < length <= MAX_PASTED_LENGTH:
        return ""
    return _("Your text has %(length)s characters: Grappe read and kept the first %(limit)s. Put what matters "
             "most at the start, or paste a summary.") % {"length": f"{length:,}",
                                                          "limit": f"{MAX_DESCRIPTION_LENGTH:,}"}


def infer_competencies(text: str):
    """The competencies a description needs, best first, or a ValidationError when none is recognised
    (gibberish, or a text about something the taxonomy does not cover)."""
    inferred = engine.competency_index().infer(check_description(text), top_k=INFERRED_SHOWN)
    if not inferred:
        raise ValidationError(
            _("We found no competency of the taxonomy in this text. Describe the work to be done: processes, "
              "materials, parts, tests, certifications…"), code="no_competency")
    return inferred


def acts_for(actor, initiator: Organisation) -> None:
    """A member describes opportunities for its own organisation; the staff, for any (e.g. a funding call)."""
    require(actor, "partnering.add_opportunity")
    if not actor.has_perm("partnering.view_cluster_partnering") and actor.organisation != initiator:
        raise PermissionDenied


def describe_opportunity(*, actor, initiator: Organisation, data: dict,
                         required_certifications: Iterable[CertificationType] = ()) -> Opportunity:
    """Save an opportunity with the competencies inferred from its text, every one a must-have until the
    initiator says otherwise, the certifications the text names ("AS9100 exigée") among the required ones,
    and the materials it names ("en titane"), which prefer partners who work them. A text in which no
    competency is recognised is refused: nothing is saved."""
    acts_for(actor, initiator)
    description = check_description(data.get("description", ""))
    inferred = infer_competencies(description)
    capabilities = engine.capabilities_by_code(i.code for i in inferred)
    named = engine.certification_types_by_code(c.code for c in mentions.certifications(description))
    with transaction.atomic():
        opportunity = Opportunity(initiator=initiator, created_by=actor)
        for name in OPPORTUNITY_FIELDS:
            if name in data:
                setattr(opportunity, name, data[name])
        opportunity.description = description
        opportunity.materials = [m.code for m in mentions.materials(description)]
        opportunity.full_clean(exclude=["initiator", "created_by"])
        opportunity.save()
        opportunity.required_certifications.set({*required_certifications, *named.values()})
        OpportunityNeed.objects.bulk_create([
            OpportunityNeed(opportunity=opportunity, capability=capabilities[i.code], must_have=True,
                            source=NeedSource.INFERRED, triggers=i.triggers, score=i.score)
            for i in inferred if i.code in capabilities])
        audit.record(actor, "opportunity.created", opportunity, after={
            **audit.snapshot(opportunity, exclude=("description",)),
            "needs": [i.code for i in inferred],
            "required_certifications": sorted(c.code for c in opportunity.required_certifications.all())})
        jobs.enqueue("grappe.partnering.tasks.encode_opportunity_task", opportunity.pk)
    return opportunity


def encode_opportunity(opportunity_id: int | None = None) -> int:
    """Store the sentence vector of an opportunity's text, or of every opportunity's that has none (the
    backfill: manage.py encode_texts), so that searches and inference read it instead of encoding (the work of
    a background task, queued when the opportunity is written). Returns how many texts it encoded; without an
    encoder, or when it fails, none (core.vectors.encode_and_store)."""
    opportunities = Opportunity.objects.all() if opportunity_id is None else Opportunity.objects.filter(
        pk=opportunity_id)
    return vectors.encode_and_store(list(opportunities.values_list("description", flat=True)))


def set_opportunity_needs(*, actor, opportunity: Opportunity, must_haves: Collection[Capability],
                          nice_to_haves: Collection[Capability] = ()) -> Opportunity:
    """Confirm the competencies the opportunity needs: exactly these, must-have or nice-to-have.

    What was inferred keeps its trigger words; what is new was added by hand; what is left out is removed.
    A competency given as both is a must-have.
    """
    wanted = {c.pk: (c, True) for c in must_haves}
    for capability in nice_to_haves:
        wanted.setdefault(capability.pk, (capability, False))
    if not wanted:
        raise ValidationError(_("Keep at least one competency: the analysis compares them with what you have."),
                              code="no_need")
    # A domain stays possible: inferred from a text that names it ("any NDT method"), any capability covers it.
    if any(not c.is_active for c, _must in wanted.values()):
        raise ValidationError(_("Choose capabilities in use."), code="not_a_capability")
    with transaction.atomic():
        opportunity = _locked(actor, opportunity)
        existing = {need.capability_id: need for need in opportunity.needs.select_related("capability")}
        before = _needs_snapshot(existing.values())
        opportunity.needs.exclude(capability__in=wanted).delete()
        for pk, (capability, must_have) in wanted.items():
            need = existing.get(pk)
            if need is None:
                OpportunityNeed.objects.create(opportunity=opportunity, capability=capability, must_have=must_have,
                                               source=NeedSource.ADDED)
            elif need.must_have != must_have:
                need.must_have = must_have
                need.save(update_fields=["must_have"])
        status_before = opportunity.status
        if opportunity.status == OpportunityStatus.DRAFT:
            opportunity.status = OpportunityStatus.READY
            opportunity.save(update_fields=["status", "updated_at"])
        after = _needs_snapshot(opportunity.needs.select_related("capability"))
        if after != before or status_before != opportunity.status:
            audit.record(actor, "opportunity.needs_confirmed", opportunity, before={"needs": before},
                         after={"needs": after})
    return opportunity


def _locked(actor, opportunity: Opportunity) -> Opportunity:
    """The opportunity as it is now, locked until the transaction ends, if the actor may change it: a
    colleague may have closed it since the caller read it."""
    opportunity = Opportunity.objects.select_for_update(of=("self",)).select_related("initiator").get(
        pk=opportunity.pk)
    require(actor, "partnering.change_opportunity", opportunity)
    return opportunity


def _needs_snapshot(needs) -> dict:
    return {need.capability.code: "must" if need.must_have else "nice" for need in needs}


def analyse(*, actor, opportunity: Opportunity, rules: Rules | None = None) -> analysis.Analysis:
    """The answer for the opportunity's confirmed needs. Rules given are remembered on the opportunity (the
    page shows them again next time); without rules, the remembered ones apply."""
    require(actor, "partnering.analyse_opportunity", opportunity)
    if rules is None:
        rules = analysis.rules_from_json(opportunity.consortium_rules)
    elif analysis.rules_to_json(rules) != analysis.rules_to_json(analysis.rules_from_json(
            opportunity.consortium_rules)):
        _remember_rules(actor, opportunity, rules)
    return analysis.analyse_opportunity(user=actor, opportunity=opportunity, rules=rules)


def _remember_rules(actor, opportunity: Opportunity, rules: Rules) -> None:
    with transaction.atomic():
        before = opportunity.consortium_rules
        opportunity.consortium_rules = analysis.rules_to_json(rules)
        Opportunity.objects.filter(pk=opportunity.pk).update(consortium_rules=opportunity.consortium_rules)
        audit.record(actor, "opportunity.rules_changed", opportunity, before=before,
                     after=opportunity.consortium_rules)


def set_visibility(*, actor, opportunity: Opportunity, visibility: str) -> Opportunity:
    """Publish the opportunity to every member, or take it back to the initiator and the staff."""
    if visibility not in Visibility.values:
        raise ValidationError(_("Unknown visibility."), code="invalid")
    with transaction.atomic():
        opportunity = _locked(actor, opportunity)
        if opportunity.visibility != visibility:
            before = opportunity.visibility
            opportunity.visibility = visibility
            opportunity.save(update_fields=["visibility", "updated_at"])
            audit.record(actor, "opportunity.published" if visibility == Visibility.MEMBERS
                         else "opportunity.unpublished", opportunity,
                         before={"visibility": before}, after={"visibility": visibility})
    return opportunity


def close_opportunity(*, actor, opportunity: Opportunity) -> Opportunity:
    """The opportunity is over. Introductions still awaiting an answer are withdrawn, and their partners told."""
    with transaction.atomic():
        opportunity = _locked(actor, opportunity)
        opportunity.status = OpportunityStatus.CLOSED
        opportunity.save(update_fields=["status", "updated_at"])
        pending = list(opportunity.introductions.filter(status=IntroductionStatus.REQUESTED)
                       .select_related("partner"))
        opportunity.introductions.filter(pk__in=[i.pk for i in pending]).update(
            status=IntroductionStatus.WITHDRAWN)
        audit.record(actor, "opportunity.closed", opportunity,
                     after={"withdrawn_introductions": [i.pk for i in pending]})
    for introduction in pending:
        notify.on_commit(notify.send, notices.answerers(introduction.partner), "partnering.introduction_withdrawn",
                         {"introduction_id": introduction.pk, "organisation": str(opportunity.initiator),
                          "title": opportunity.title}, introduction.get_absolute_url())
    return opportunity
