"""The gap analysis: go alone only when every must-have is held at core level with the certifications."""

from matching.gap import ReasonCode, Verdict, analyse_gap
from matching.partners import Need

from .organisations import org

SHOP = org("shop", core=["machining", "grinding"], secondary=["ndt"], certifications=["as9100"])


def reasons(gap):
    return {reason.code: reason.items for reason in gap.reasons}


def test_an_initiator_holding_every_must_have_at_core_level_goes_alone():
    gap = analyse_gap(SHOP, [Need("machining"), Need("grinding")], {"as9100"})

    assert gap.verdict == Verdict.GO_ALONE
    assert gap.must_gap == ()
    assert reasons(gap) == {ReasonCode.MUST_HAVES_AT_CORE: ("machining", "grinding"),
                            ReasonCode.CERTIFICATIONS_HELD: ("as9100",)}


def test_missing_nice_to_haves_do_not_prevent_going_alone_but_are_listed_for_optional_partners():
    gap = analyse_gap(SHOP, [Need("machining"), Need("painting", must_have=False)])

    assert gap.verdict == Verdict.GO_ALONE
    assert gap.missing_nice_to_haves == ("painting",)
    assert gap.nice_gap == ("painting",)
    assert reasons(gap)[ReasonCode.NICE_TO_HAVES_MISSING] == ("painting",)


def test_a_missing_must_have_calls_for_partners():
    gap = analyse_gap(SHOP, [Need("machining"), Need("composites")])

    assert gap.verdict == Verdict.PARTNERS
    assert gap.covered == ("machining",)
    assert gap.missing_must_haves == ("composites",)
    assert reasons(gap)[ReasonCode.MUST_HAVES_MISSING] == ("composites",)


def test_a_must_have_held_at_secondary_level_only_is_weak_and_asked_of_partners():
    gap = analyse_gap(SHOP, [Need("machining"), Need("ndt")])

    assert gap.verdict == Verdict.PARTNERS
    assert gap.weakly_covered == ("ndt",)
    assert gap.missing_must_haves == ()
    assert gap.must_gap == ("ndt",)
    assert reasons(gap)[ReasonCode.MUST_HAVES_ONLY_SECONDARY] == ("ndt",)


def test_a_missing_required_certification_calls_for_partners_even_with_every_competency():
    gap = analyse_gap(SHOP, [Need("machining")], {"as9100", "nadcap-ndt"})

    assert gap.verdict == Verdict.PARTNERS
    assert gap.missing_certifications == ("nadcap-ndt",)
    assert reasons(gap)[ReasonCode.CERTIFICATIONS_MISSING] == ("nadcap-ndt",)
    assert reasons(gap)[ReasonCode.CERTIFICATIONS_HELD] == ("as9100",)


def test_a_competency_given_both_as_must_and_nice_counts_as_a_must_have_once():
    gap = analyse_gap(SHOP, [Need("composites", must_have=False), Need("composites"), Need("composites")])

    assert gap.must_haves == ("composites",)
    assert gap.nice_to_haves == ()
    assert gap.missing_must_haves == ("composites",)
