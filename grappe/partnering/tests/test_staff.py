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

from ..models import DeclaredNeed, Introduction, IntroductionStatus, NeedKind, Opportunity, SuccessionFlag
from ..selectors.staff import pooling_groups

STAFF_PAGES = ["partnering:staff-overview", "partnering:staff-pooling", "partnering:staff-succession",
               "partnering:staff-consolidation"]


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
    groups = pooling_groups()
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
    [group] = pooling_groups()
    assert group.kind == NeedKind.TRAINING and set(group.organisations) == {delta, echo}
    assert "soudage" in group.subject and "tig" in group.subject


def test_one_organisation_alone_or_a_former_member_makes_no_group(three_members, capability):
    delta, echo, _foxtrot = three_members
    declare(delta, NeedKind.PURCHASE, description="Achat groupé d'argon")
    declare(delta, NeedKind.PURCHASE, description="Argon en vrac")
    declare(echo, NeedKind.COMPETENCY, capability=capability)
    declare(delta, NeedKind.COMPETENCY, capability=capability, is_active=False)
    assert pooling_groups() == []
    declare(delta, NeedKind.COMPETENCY, capability=capability)
    delta.membership_status = MembershipStatus.FORMER
    delta.save()
    assert pooling_groups() == []


def test_the_pooling_page_offers_to_write_to_the_groups_admins(client, staff, three_members, capability):
    for organisation in three_members[:2]:
        declare(organisation, NeedKind.COMPETENCY, capability=capability)
    client.force_login(staff)
    text = client.get(reverse("partnering:staff-pooling")).text
    assert "mailto:?bcc=admin@delta.test,admin@echo.test" in text and "Echo" in text


# Succession: plausible acquirers -----------------------------------------------------------------


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
