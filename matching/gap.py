"""What an opportunity needs that its initiator lacks, and whether it should go alone.

The source's rule: a partnership is worth it only where there is a real gap; "if you have all the skills to
realise the project, go alone". The initiator goes alone when it holds every must-have at core level and
every required certification. A secondary-level must-have is covered only weakly: the verdict is then
*partners*, and the partners are asked for that competency too.

Reasons are structured (a code and the items concerned) so that the interface can say them in French or
English; nothing here is a sentence.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .partners import CORE, Candidate, Need


class Verdict(StrEnum):
    GO_ALONE = "go_alone"
    PARTNERS = "partners"


class ReasonCode(StrEnum):
    MUST_HAVES_AT_CORE = "must_haves_at_core"  # the initiator holds these must-haves at core level
    MUST_HAVES_MISSING = "must_haves_missing"  # it does not hold these at all
    MUST_HAVES_ONLY_SECONDARY = "must_haves_only_secondary"  # it holds these at secondary level only
    CERTIFICATIONS_HELD = "certifications_held"
    CERTIFICATIONS_MISSING = "certifications_missing"
    NICE_TO_HAVES_MISSING = "nice_to_haves_missing"  # what optional partners could add


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    items: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """The comparison of an opportunity's needs with its initiator. Codes keep the order of the needs."""

    must_haves: tuple[str, ...]
    nice_to_haves: tuple[str, ...]
    required_certifications: tuple[str, ...]
    covered: tuple[str, ...]  # needs the initiator holds at core level
    weakly_covered: tuple[str, ...]  # needs it holds at secondary level only
    missing_must_haves: tuple[str, ...]
    missing_nice_to_haves: tuple[str, ...]
    missing_certifications: tuple[str, ...]
    verdict: Verdict
    reasons: tuple[Reason, ...]

    @property
    def must_gap(self) -> tuple[str, ...]:
        """The must-haves partners are asked for: those the initiator does not hold at core level."""
        return tuple(code for code in self.must_haves if code not in self.covered)

    @property
    def nice_gap(self) -> tuple[str, ...]:
        return tuple(code for code in self.nice_to_haves if code not in self.covered)


def _unique(codes) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def analyse_gap(initiator: Candidate, needs: Sequence[Need],
                required_certifications: Collection[str] = ()) -> Gap:
    """Compare an opportunity's needs with what its initiator holds. A code both must and nice is a must."""
    must_haves = _unique(need.code for need in needs if need.must_have)
    nice_to_haves = tuple(code for code in _unique(need.code for need in needs) if code not in must_haves)
    certifications = tuple(sorted(set(required_certifications)))
    holdings = initiator.holdings
    wanted = must_haves + nice_to_haves
    covered = tuple(code for code in wanted if code in holdings and holdings[code].level == CORE)
    weakly_covered = tuple(code for code in wanted if code in holdings and holdings[code].level != CORE)
    missing_must = tuple(code for code in must_haves if code not in holdings)
    missing_nice = tuple(code for code in nice_to_haves if code not in holdings)
    missing_certifications = tuple(code for code in certifications if code not in initiator.certifications)
    weak_must = tuple(code for code in must_haves if code in weakly_covered)
    go_alone = not missing_must and not weak_must and not missing_certifications
    reasons = [
        Reason(ReasonCode.MUST_HAVES_AT_CORE, tuple(c for c in must_haves if c in covered)),
        Reason(ReasonCode.MUST_HAVES_MISSING, missing_must),
        Reason(ReasonCode.MUST_HAVES_ONLY_SECONDARY, weak_must),
        Reason(ReasonCode.CERTIFICATIONS_HELD, tuple(c for c in certifications if c not in missing_certifications)),
        Reason(ReasonCode.CERTIFICATIONS_MISSING, missing_certifications),
        Reason(ReasonCode.NICE_TO_HAVES_MISSING, tuple(c for c in nice_to_haves if c not in covered)),
    ]
    return Gap(
        must_haves=must_haves,
        nice_to_haves=nice_to_haves,
        required_certifications=certifications,
        covered=covered,
        weakly_covered=weakly_covered,
        missing_must_haves=missing_must,
        missing_nice_to_haves=missing_nice,
        missing_certifications=missing_certifications,
        verdict=Verdict.GO_ALONE if go_alone else Verdict.PARTNERS,
        reasons=tuple(reason for reason in reasons if reason.items),
    )
