"""The engine's structured answer in words a person understands, in the reader's language.

matching/ says *why* with codes (matching.gap.ReasonCode, consortium statuses, relaxations); this module is
the one place that turns them into sentences, so the page and the API say the same thing.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from matching.consortia import SolveStatus
from matching.gap import Gap, ReasonCode, Verdict
from matching.partners import CERTIFICATION, EVIDENCE, MaterialMention

RULE_LABELS = {
    "max_size": gettext_lazy("the maximum number of partners"),
    "at_least_one_sme": gettext_lazy("at least one SME"),
    "at_least_one_research": gettext_lazy("at least one university or research centre"),
    "required_region": gettext_lazy("the required region"),
    "excluded": gettext_lazy("the excluded organisations"),
    "no_two_competitors": gettext_lazy("no two direct competitors"),
}


# The materials matching.mentions reads in a text, by code, as a person writes them mid-sentence.
MATERIAL_LABELS = {
    "titanium": pgettext_lazy("material", "titanium"),
    "inconel": pgettext_lazy("material", "Inconel"),
    "nickel-superalloy": pgettext_lazy("material", "nickel superalloys"),
    "aluminium-lithium": pgettext_lazy("material", "aluminium-lithium"),
    "aluminium": pgettext_lazy("material", "aluminium"),
    "carbon-fibre": pgettext_lazy("material", "carbon fibre"),
    "stainless-steel": pgettext_lazy("material", "stainless steel"),
    "steel": pgettext_lazy("material", "steel"),
    "invar": pgettext_lazy("material", "Invar"),
    "magnesium": pgettext_lazy("material", "magnesium"),
}


def listing(items: Iterable) -> str:
    """Labels joined for a sentence: "A, B and C"."""
    names = [str(item) for item in items]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def headline(verdict: Verdict) -> str:
    if verdict == Verdict.GO_ALONE:
        return _("You have what it takes: go alone.")
    return _("You need partners for what is missing.")


def reasons(gap: Gap, capabilities: Mapping, certifications: Mapping) -> list[str]:
    """One sentence per reason of the verdict, in the engine's order."""
    sentences = []
    for reason in gap.reasons:
        rows = certifications if reason.code in (ReasonCode.CERTIFICATIONS_HELD,
                                                  ReasonCode.CERTIFICATIONS_MISSING) else capabilities
        names = listing(rows[code] for code in reason.items if code in rows)
        sentences.append(_REASONS[reason.code]() % {"names": names})
    return sentences


_REASONS = {
    ReasonCode.MUST_HAVES_AT_CORE: lambda: _("You hold every one of these must-haves at core level: %(names)s."),
    ReasonCode.MUST_HAVES_MISSING: lambda: _("You do not have these must-haves: %(names)s."),
    ReasonCode.MUST_HAVES_ONLY_SECONDARY: lambda: _(
        "You hold these must-haves only at secondary level, a partner would secure them: %(names)s."),
    ReasonCode.CERTIFICATIONS_HELD: lambda: _("You hold the required certifications: %(names)s."),
    ReasonCode.CERTIFICATIONS_MISSING: lambda: _("You lack these required certifications: %(names)s."),
    ReasonCode.NICE_TO_HAVES_MISSING: lambda: _(
        "A partner could add these nice-to-haves, but they are optional: %(names)s."),
}


def overlap(shared: int, initiator_core: int, competition: str) -> str:
    """Competitor risk in words: "Shares 4 of your 9 core competencies: a potential competitor."."""
    if shared == 0:
        return _("No core competency in common with you: complementary.")
    values = {"shared": shared, "total": initiator_core}
    if competition == "direct":
        return ngettext("Shares %(shared)s of your %(total)s core competency: a direct competitor.",
                        "Shares %(shared)s of your %(total)s core competencies: a direct competitor.",
                        initiator_core) % values
    if competition == "potential":
        return ngettext("Shares %(shared)s of your %(total)s core competency: a potential competitor.",
                        "Shares %(shared)s of your %(total)s core competencies: a potential competitor.",
                        initiator_core) % values
    return ngettext("Shares %(shared)s of your %(total)s core competency: little competition.",
                    "Shares %(shared)s of your %(total)s core competencies: little competition.",
                    initiator_core) % values


def gives_back(capabilities: Sequence) -> str:
    """Reciprocity: what the partner declared it needs and the initiator has at core level."""
    return _("it is looking for %(names)s, which you have.") % {"names": listing(capabilities)}


def team_status(status: SolveStatus, gap: float, lower_bound: int) -> str:
    if status == SolveStatus.OPTIMAL:
        return _("Proven optimal.")
    return _("Best team found in the time allowed; it may be improved by %(gap)s %% at most "
             "(no team has fewer than %(bound)s partners).") % {"gap": round(100 * gap, 1), "bound": lower_bound}


def relaxation(rules: Sequence[str], value, organisations: Mapping) -> str:
    """What to relax so that a team exists, from the engine's suggestion."""
    if tuple(rules) == ("max_size",) and value:
        return ngettext("Allow %(size)s partner.", "Allow %(size)s partners.", value) % {"size": value}
    if tuple(rules) == ("excluded",) and value:
        names = listing(organisations[pk] for pk in value if pk in organisations)
        return _("Stop excluding %(names)s.") % {"names": names}
    return _("Drop the rule: %(rules)s.") % {"rules": listing(RULE_LABELS[rule] for rule in rules)}


def infeasible(nobody_has: Sequence, nobody_certified: Sequence, can_relax: bool, status: SolveStatus) -> list[str]:
    """Why no team can be proposed; the relaxations that would make one possible are said by `relaxation`."""
    sentences = []
    if nobody_has:
        sentences.append(_("No member of the cluster has: %(names)s. No team can cover it; look outside the "
                           "cluster or make it a nice-to-have.") % {"names": listing(nobody_has)})
    if nobody_certified:
        sentences.append(_("No member of the cluster holds: %(names)s.") % {"names": listing(nobody_certified)})
    if not (nobody_has or nobody_certified) and status == SolveStatus.INFEASIBLE:
        if can_relax:
            sentences.append(_("No team meets all your rules. To get one:"))
        else:
            sentences.append(_("No team meets your rules, even without one or two of them."))
    if status == SolveStatus.UNKNOWN:
        sentences.append(_("No team was found in the time allowed. Try again with fewer rules."))
    return sentences



def material_label(code: str) -> str:
    return str(MATERIAL_LABELS.get(code, code))


def materials_named(codes: Iterable[str]) -> str:
    """The materials an opportunity's text names: "titanium, Inconel"."""
    return ", ".join(material_label(code) for code in codes)


def material_reasons(found: Iterable[MaterialMention], capabilities: Mapping, certifications: Mapping) -> list[str]:
    """Why a partner is preferred for the opportunity's materials: where its own words name them."""
    sentences = []
    for source, rows, sentence in (
            (EVIDENCE, capabilities, lambda: _("Its evidence mentions: %(materials)s (%(where)s).")),
            (CERTIFICATION, certifications, lambda: _("Its certifications mention: %(materials)s (%(where)s)."))):
        mentions = [m for m in found if m.source == source]
        if mentions:
            sentences.append(sentence() % {
                "materials": materials_named(dict.fromkeys(m.material for m in mentions)),
                "where": listing(dict.fromkeys(str(rows[m.code]) for m in mentions if m.code in rows))})
    return sentences


def covered_by(pairs: Iterable[tuple]) -> str:
    """Which capabilities of which partners cover a domain-level need: "covered by: Penetrant (Acme), …"."""
    return _("covered by: %(names)s") % {"names": ", ".join(
        _("%(capability)s (%(organisation)s)") % {"capability": capability, "organisation": organisation}
        for capability, organisation in pairs)}
