"""Conflicts of interest: which evaluators may not evaluate which applications, and why.

An evaluator (a user; a member's person has an organisation, an external evaluator may have none) is in
conflict with an application when one of the application's organisations (its lead and every organisation of
its consortium) is:
- the evaluator's own organisation;
- an organisation the evaluator declared a conflict with (ConflictDeclaration);
- an organisation the evaluator's organisation is working with in Partnering (an open introduction, asked or
  accepted, either way: grappe.partnering.selectors.relations).

`conflict_pairs` gives every (evaluator id, application id) in conflict for a whole call in a few queries (what
matching.assignment needs); `conflicts_of` gives the reasons of one pair, as a refusal says them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from grappe.members.models import Organisation, Person
from grappe.partnering.selectors.relations import related_organisations

from .models import Application, ConflictDeclaration, ConsortiumMember

OWN = "own"
DECLARED = "declared"
PARTNERING = "partnering"


@dataclass(frozen=True)
class ConflictOfInterest:
    code: str  # OWN, DECLARED or PARTNERING
    organisation: Organisation  # the application's organisation the conflict is with

    @property
    def text(self) -> str:
        name = self.organisation.display_name
        if self.code == OWN:
            return _("The evaluator works for %(organisation)s, which takes part in this application.") % {
                "organisation": name}
        if self.code == DECLARED:
            return _("The evaluator declared a conflict of interest with %(organisation)s.") % {"organisation": name}
        return _("The evaluator's organisation is working with %(organisation)s in Partnering (an open "
                 "introduction).") % {"organisation": name}


def _organisations_of(applications: Iterable[Application]) -> dict[int, set[int]]:
    """Application id -> its organisations: the lead and every consortium member."""
    organisations = {application.pk: {application.lead_id} for application in applications}
    for application_id, organisation_id in (ConsortiumMember.objects.filter(application__in=organisations)
                                            .values_list("application_id", "organisation_id")):
        organisations[application_id].add(organisation_id)
    return organisations


def _conflicting(evaluator_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """Evaluator id -> {organisation id: why it is a conflict}, the strongest reason first (own, declared,
    Partnering)."""
    evaluator_ids = set(evaluator_ids)
    own = dict(Person.objects.filter(user__in=evaluator_ids, is_active=True).values_list("user_id", "organisation_id"))
    related = related_organisations(set(own.values()))
    conflicting: dict[int, dict[int, str]] = defaultdict(dict)
    for evaluator_id, organisation_id in own.items():
        for other in related.get(organisation_id, ()):
            conflicting[evaluator_id][other] = PARTNERING
    for evaluator_id, organisation_id in (ConflictDeclaration.objects.filter(evaluator__in=evaluator_ids)
                                          .values_list("evaluator_id", "organisation_id")):
        conflicting[evaluator_id][organisation_id] = DECLARED
    for evaluator_id, organisation_id in own.items():
        conflicting[evaluator_id][organisation_id] = OWN
    return conflicting


def conflict_pairs(applications: Iterable[Application], evaluator_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Every (evaluator id, application id) in conflict, for matching.assignment."""
    by_organisation: dict[int, set[int]] = defaultdict(set)
    for application_id, organisations in _organisations_of(applications).items():
        for organisation_id in organisations:
            by_organisation[organisation_id].add(application_id)
    return {(evaluator_id, application_id)
            for evaluator_id, organisations in _conflicting(evaluator_ids).items()
            for organisation_id in organisations
            for application_id in by_organisation.get(organisation_id, ())}


def conflicts_of(evaluator_id: int, application: Application) -> list[ConflictOfInterest]:
    """Why the evaluator may not evaluate the application (nothing when they may)."""
    organisations = _organisations_of([application])[application.pk]
    reasons = {organisation_id: code for organisation_id, code in _conflicting([evaluator_id])[evaluator_id].items()
               if organisation_id in organisations}
    names = Organisation.objects.in_bulk(reasons)
    return [ConflictOfInterest(code, names[organisation_id]) for organisation_id, code in sorted(reasons.items())]
