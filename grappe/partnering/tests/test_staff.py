"""The staff's pages across the cluster: activity, pooling groups, plausible acquirers, consolidation pairs."""

import pytest
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_member, make_organisation
from grappe.members.models import (
    Capability,
    CertificationType,
    MembershipStatus,
    OrganisationCapability,
    OrgRole,
)
from matching.partners import Candidate, Holding, PartnerIndex

from .. import staff_selectors
from ..models import DeclaredNeed, Introduction, IntroductionStatus, NeedKind, Opportunity, SuccessionFlag
from ..staff_selectors import close_pairs, rank_acquirers

STAFF_PAGES = ["partnering:staff-overview", "partnering:staff-pooling", "partnering:staff-succession",
               "partnering:staff-consolidation"]


def company(name, codes, size="10-49", region="06", kind="sme", secondary=()) -> Candidate:
    holdings = {code: Holding(code) for code in codes} | {code: Holding(code, "secondary") for code in secondary}
    return Candidate(name, name, kind, size_band=size, region=region, holdings=holdings)


# Who may read them -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_are_for_the_staff_only(page, client, staff, org_admin, observer):
    url = reverse(page)
    assert client.get(url).status_code == 302
    for outsider in (org_admin, observer):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


# Activity ----------------------------------------------------------------------------------------


def introduce(opportunity, partner, status=IntroductionStatus.REQUESTED):
    return Introduction.objects.create(opportunity=opportunity, partner=partner, status=status,
                                       requested_by=opportunity.created_by)


def test_the_overview_counts_opportunities_and_introductions_and_names_who_is_asked(client, staff, org_admin, org_a,
                                                                                     org_b):
    quiet = make_organisation("Quiet Aero")
    make_organisation("Former Aero", membership_status=MembershipStatus.FORMER)
    opportunities = [Opportunity.objects.create(initiator=org_a, created_by=org_admin, title=f"Project {n}",
                                                description="x", status=status)
                     for n, status in enumerate(["draft", "ready", "ready"])]
    introduce(opportunities[0], org_b, IntroductionStatus.ACCEPTED)
    introduce(opportunities[1], org_b, IntroductionStatus.DECLINED)
    introduce(opportunities[2], org_b)
    client.force_login(staff)
    context = client.get(reverse("partnering:staff-overview")).context
    # Bars follow the order of the choices: draft, ready, closed; requested, accepted, declined, withdrawn.
    assert [(bar.n, bar.percent) for bar in context["opportunities_by_status"]] == [(1, 33), (2, 67), (0, 0)]
    assert [bar.n for bar in context["introductions_by_status"]] == [1, 1, 1, 0]
    [asked] = context["most_asked"]
    assert (asked, asked.asked, asked.accepted) == (org_b, 3, 1)
    never_asked = list(context["page"])
    assert org_a in never_asked and quiet in never_asked and org_b not in never_asked
    assert all(organisation.is_member for organisation in never_asked)


def test_bars_are_sized_for_the_page_script(client, staff, org_admin, org_a):
    Opportunity.objects.create(initiator=org_a, created_by=org_admin, title="P", description="x")
    client.force_login(staff)
    assert 'data-width-percent="100"' in client.get(reverse("partnering:staff-overview")).text


# Pooling -----------------------------------------------------------------------------------------


@pytest.fixture
def three_members(db):
    members = [make_organisation(name) for name in ("Delta", "Echo", "Foxtrot")]
    for organisation in members:
        make_member(organisation, f"admin@{organisation.slug}.test", OrgRole.ADMIN)
    return members


def declare(organisation, kind, **fields):
    user = organisation.people.first().user
    return DeclaredNeed.objects.create(organisation=organisation, kind=kind, created_by=user, **fields)


def test_members_with_the_same_competency_or_audit_are_grouped_largest_first(three_members, capability):
    delta, echo, foxtrot = three_members
    as9100 = CertificationType.objects.get(code="as9100")
    for organisation in three_members:
        declare(organisation, NeedKind.COMPETENCY, capability=capability)
    declare(delta, NeedKind.CERTIFICATION_AUDIT, certification_type=as9100)
    declare(echo, NeedKind.CERTIFICATION_AUDIT, certification_type=as9100)
    declare(foxtrot, NeedKind.CERTIFICATION_AUDIT, certification_type=CertificationType.objects.exclude(
        pk=as9100.pk).first())
    groups = staff_selectors.pooling_groups()
    assert [(group.kind, len(group.organisations)) for group in groups] == [
        (NeedKind.COMPETENCY, 3), (NeedKind.CERTIFICATION_AUDIT, 2)]
    assert groups[1].subject == str(as9100)
    assert sorted(groups[0].admin_emails) == ["admin@delta.test", "admin@echo.test", "admin@foxtrot.test"]


def test_free_text_needs_in_similar_words_are_grouped(three_members):
    delta, echo, foxtrot = three_members
    declare(delta, NeedKind.TRAINING, description="Formation en soudage TIG pour deux soudeurs")
    declare(echo, NeedKind.TRAINING, description="TIG welding training (soudage)")
    declare(foxtrot, NeedKind.TRAINING, description="Formation peinture aéronautique")
    declare(foxtrot, NeedKind.EQUIPMENT, description="Soudage TIG: poste à souder")  # another kind
    [group] = staff_selectors.pooling_groups()
    assert group.kind == NeedKind.TRAINING and set(group.organisations) == {delta, echo}
    assert "soudage" in group.subject and "tig" in group.subject


def test_one_organisation_alone_or_a_former_member_makes_no_group(three_members, capability):
    delta, echo, _foxtrot = three_members
    declare(delta, NeedKind.PURCHASE, description="Achat groupé d'argon")
    declare(delta, NeedKind.PURCHASE, description="Argon en vrac")
    declare(echo, NeedKind.COMPETENCY, capability=capability)
    declare(delta, NeedKind.COMPETENCY, capability=capability, is_active=False)
    assert staff_selectors.pooling_groups() == []
    declare(delta, NeedKind.COMPETENCY, capability=capability)
    delta.membership_status = MembershipStatus.FORMER
    delta.save()
    assert staff_selectors.pooling_groups() == []


def test_the_pooling_page_offers_to_write_to_the_groups_admins(client, staff, three_members, capability):
    for organisation in three_members[:2]:
        declare(organisation, NeedKind.COMPETENCY, capability=capability)
    client.force_login(staff)
    text = client.get(reverse("partnering:staff-pooling")).text
    assert "mailto:?bcc=admin@delta.test,admin@echo.test" in text and "Echo" in text


# Succession: plausible acquirers -----------------------------------------------------------------


def test_acquirers_rank_by_coverage_then_larger_size_then_same_region():
    seller = company("seller", ["a", "b", "c", "d"], size="10-49", region="06")
    index = PartnerIndex.build([
        seller,
        company("small-same", ["a", "b", "c", "d"], size="1-9", region="06"),
        company("large-far", ["a", "b", "c"], secondary=["d"], size="200-499", region="03"),
        company("large-near", ["a", "b", "c", "d"], size="50-199", region="06"),
        company("large-two", ["a", "b", "x"], size="1000+", region="06"),
        company("university", ["a", "b", "c", "d"], kind="university", size="1000+"),
        company("unrelated", ["x", "y"], size="1000+"),
    ])
    ranked = rank_acquirers(index, seller)
    names = [index.candidates[row.row].id for row in ranked]
    assert names == ["large-near", "large-far", "small-same", "large-two"]
    near, far = ranked[0], ranked[1]
    assert near.covered == ("a", "b", "c", "d") and near.covered_core == 4 and near.larger and near.same_region
    assert far.covered_core == 3 and far.larger and not far.same_region


def test_acquirers_are_cut_to_the_limit_and_a_seller_without_core_competencies_has_none():
    seller = company("seller", ["a"])
    index = PartnerIndex.build([seller, *(company(f"c{n}", ["a"]) for n in range(15))])
    assert len(rank_acquirers(index, seller)) == 10
    assert rank_acquirers(index, company("empty", [], secondary=["a"])) == []


def hold(organisation, capabilities, level="core"):
    for capability in capabilities:
        OrganisationCapability.objects.create(organisation=organisation, capability=capability, level=level)


@pytest.fixture
def competencies(db):
    domain = Capability.objects.create(code="d", label_fr="Fabrication", label_en="Manufacturing")
    return [Capability.objects.create(parent=domain, code=f"c{n}", label_fr=f"Procédé {n}",
                                      label_en=f"Process {n}") for n in range(5)]


def test_the_succession_page_lists_each_flag_with_its_acquirers_and_why(client, staff, org_admin, org_a,
                                                                         competencies):
    org_a.size_band = "10-49"
    org_a.save()
    hold(org_a, competencies[:3])
    buyer = make_organisation("Grand Aero", size_band="500-999")
    hold(buyer, competencies[:3])
    partial = make_organisation("Petit Atelier", size_band="1-9", region="03")
    hold(partial, competencies[:1])
    SuccessionFlag.objects.create(organisation=org_a, kind="sell", note="Départ à la retraite",
                                  created_by=org_admin)
    client.force_login(staff)
    response = client.get(reverse("partnering:staff-succession"))
    [case] = response.context["cases"]
    assert [acquirer.organisation for acquirer in case.acquirers] == [buyer, partial]
    with translation.override("en"):
        assert case.acquirers[0].reasons == [
            "Holds 3 of its 3 core competencies (3 at core level): Process 0, Process 1, Process 2.",
            "Larger: 500–999 employees.", "Same region: Montréal."]
    assert "Départ à la retraite" in response.text and "Grand Aero" in response.text


# Consolidation -----------------------------------------------------------------------------------


def test_close_pairs_need_overlap_neighbouring_size_and_the_same_region():
    index = PartnerIndex.build([
        company("twin-1", ["a", "b", "c", "d"], size="10-49"),
        company("twin-2", ["a", "b", "c", "d"], size="50-199"),
        company("near", ["a", "b", "c", "e"], size="10-49"),          # 3/5 = 0.6 with each twin
        company("far-away", ["a", "b", "c", "d"], size="10-49", region="03"),
        company("much-larger", ["a", "b", "c", "d"], size="1000+"),
        company("lab", ["a", "b", "c", "d"], kind="research", size="10-49"),
        company("one-in-common", ["z"], size="10-49"),
        company("one-in-common-too", ["z"], size="10-49"),
    ])
    pairs = [(index.candidates[p.first].id, index.candidates[p.second].id, p.shared, round(p.share, 2))
             for p in close_pairs(index)]
    assert pairs == [("twin-1", "twin-2", 4, 1.0), ("twin-1", "near", 3, 0.6), ("twin-2", "near", 3, 0.6)]


def test_declared_competitors_are_not_close_pairs_unless_they_overlap():
    first = Candidate("a", "a", "sme", "10-49", "06", {c: Holding(c) for c in "abc"}, competitor_of={"b"})
    second = Candidate("b", "b", "sme", "10-49", "06", {c: Holding(c) for c in "xyz"})
    assert close_pairs(PartnerIndex.build([first, second])) == []


def test_close_pairs_finds_the_planted_twins_among_five_thousand_organisations():
    """At cluster scale (its speed is measured by bench/, not here)."""
    import random

    chooser = random.Random(7)
    codes = [f"c{n}" for n in range(400)]
    sizes, regions = ["1-9", "10-49", "50-199", "200-499"], ["06", "16", "13", "03"]
    candidates = [company(f"o{n}", chooser.sample(codes, 20), size=chooser.choice(sizes),
                          region=chooser.choice(regions)) for n in range(5000)]
    for n in range(50):  # planted near-twins
        base = candidates[n]
        candidates.append(company(f"twin{n}", sorted(base.core_codes)[:18] + ["c0", "c1"],
                                  size=base.size_band, region=base.region))
    index = PartnerIndex.build(candidates)
    pairs = close_pairs(index)
    assert len(pairs) == 50 and all(pair.share >= 0.6 for pair in pairs)


def test_the_consolidation_page_lists_pairs_with_their_shared_competencies(client, staff, org_a, org_b, competencies):
    for organisation in (org_a, org_b):
        organisation.size_band = "10-49"
        organisation.save()
        hold(organisation, competencies[:3])
    client.force_login(staff)
    response = client.get(reverse("partnering:staff-consolidation"))
    [pair] = response.context["pairs"]
    assert {pair.first, pair.second} == {org_a, org_b} and pair.percent == 100
    assert [capability.code for capability in pair.shared] == ["c0", "c1", "c2"]
