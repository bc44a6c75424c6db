"""What the partnering flow promises: a described opportunity becomes competencies, an analysis says go alone
or who brings what, an introduction shares contacts only once accepted — each write audited and heard of."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grappe.core import notify
from grappe.core.models import AuditEntry, Notification
from grappe.members.models import Capability, CertificationType
from grappe.partnering.services import introductions, opportunities
from grappe.partnering.selectors.analysis import Competition
from grappe.partnering.models import (
    Introduction,
    IntroductionStatus,
    NeedSource,
    Opportunity,
    OpportunityStatus,
    Visibility,
)
from matching.consortia import Rules, SolveStatus
from matching.gap import Verdict

from .conftest import NO_COMPETENCY, describe, hold


def capability(code: str) -> Capability:
    return Capability.objects.get(code=code)


def actions(target) -> list[str]:
    return list(AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
                .order_by("id").values_list("action", flat=True))


# Describing ---------------------------------------------------------------------------------------------------

def test_a_french_description_becomes_must_haves_with_the_words_that_triggered_them(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha)

    needs = {n.capability.code: n for n in opportunity.needs.select_related("capability")}
    assert {"machining-5-axis", "heat-treatment-vacuum", "ndt-penetrant"} <= needs.keys()
    assert needs["machining-5-axis"].triggers == ["usinage 5 axes"]
    assert needs["ndt-penetrant"].source == NeedSource.INFERRED
    assert all(n.must_have for n in needs.values()), "every inferred competency is a must-have until confirmed"
    assert opportunity.status == OpportunityStatus.DRAFT
    assert actions(opportunity) == ["opportunity.created"]


@pytest.mark.parametrize("text, code", [
    ("", "empty"),
    ("   \n ", "empty"),
    ("usinage 5 axes " * 40_000, "too_long"),  # a whole file; a long text is cut (test_opportunity_text)
    ("xqzt blorf wumpa grint zzyv", "no_competency"),
    (NO_COMPETENCY, "no_competency"),
])
def test_an_empty_huge_or_gibberish_description_is_refused_and_nothing_is_saved(cluster, text, code):
    with pytest.raises(ValidationError) as refused:
        describe(cluster.alpha_admin, cluster.alpha, text=text)

    assert refused.value.code == code
    assert refused.value.messages[0], "the person is told why"
    assert not Opportunity.objects.exists()
    assert not AuditEntry.objects.filter(action="opportunity.created").exists()


def test_a_member_describes_opportunities_for_its_own_organisation_only(cluster):
    with pytest.raises(PermissionDenied):
        describe(cluster.alpha_admin, cluster.bravo)


def test_the_staff_describe_an_opportunity_for_any_organisation(cluster, staff):
    opportunity = describe(staff, cluster.bravo, kind="funding")

    assert opportunity.initiator == cluster.bravo
    assert opportunity.created_by == staff


def test_an_observer_cannot_describe_an_opportunity(cluster, observer):
    with pytest.raises(PermissionDenied):
        describe(observer, cluster.alpha)


# Confirming the competencies --------------------------------------------------------------------------------

def test_confirming_keeps_the_triggers_adds_by_hand_and_removes_the_rest(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha)

    opportunities.set_opportunity_needs(actor=cluster.alpha_user, opportunity=opportunity,
                                   must_haves=[capability("machining-5-axis"), capability("surface-painting")],
                                   nice_to_haves=[capability("ndt-penetrant")])

    needs = {n.capability.code: n for n in opportunity.needs.select_related("capability")}
    assert needs.keys() == {"machining-5-axis", "surface-painting", "ndt-penetrant"}
    assert needs["surface-painting"].source == NeedSource.ADDED
    assert needs["ndt-penetrant"].must_have is False
    assert needs["ndt-penetrant"].triggers == ["contrôle par ressuage"]
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.READY
    entry = AuditEntry.objects.get(action="opportunity.needs_confirmed")
    assert entry.after["needs"] == {"machining-5-axis": "must", "surface-painting": "must", "ndt-penetrant": "nice"}


def test_an_opportunity_keeps_at_least_one_competency(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha)

    with pytest.raises(ValidationError):
        opportunities.set_opportunity_needs(actor=cluster.alpha_admin, opportunity=opportunity, must_haves=[])

    assert opportunity.needs.count() >= 3


def test_a_capability_out_of_use_cannot_be_a_need(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha)
    retired = capability("machining-turning")
    retired.is_active = False
    retired.save()

    with pytest.raises(ValidationError):
        opportunities.set_opportunity_needs(actor=cluster.alpha_admin, opportunity=opportunity,
                                           must_haves=[retired])


def test_a_domain_named_in_the_text_is_kept_as_a_need_any_of_its_capabilities_covers(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha, text="Usinage 5 axes de ferrures et contrôle non destructif.")
    assert set(opportunity.needs.values_list("capability__code", flat=True)) == {"machining-5-axis", "ndt"}

    opportunities.set_opportunity_needs(actor=cluster.alpha_admin, opportunity=opportunity,
                                       must_haves=[capability("machining-5-axis"), capability("ndt")])

    assert opportunity.needs.filter(capability__code="ndt", must_have=True).exists()


def test_another_member_cannot_change_a_published_opportunity(landing_gear, cluster):
    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)

    with pytest.raises(PermissionDenied):
        opportunities.set_opportunity_needs(actor=cluster.bravo_admin, opportunity=landing_gear,
                                       must_haves=[capability("ndt-penetrant")])


# Analysing --------------------------------------------------------------------------------------------------

def test_partners_are_ranked_by_what_they_bring_what_they_get_back_and_how_much_they_compete(landing_gear, cluster):
    result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear)

    assert result.verdict == Verdict.PARTNERS
    assert [c.code for c in result.missing] == ["heat-treatment-vacuum", "ndt-penetrant"]
    names = [card.organisation for card in result.partners]
    assert names[:3] == [cluster.bravo, cluster.delta, cluster.charlie]
    bravo, _delta, charlie = result.partners[:3]
    assert [(b.capability.code, b.level) for b in bravo.brings] == [
        ("heat-treatment-vacuum", "secondary"), ("ndt-penetrant", "core")]
    assert bravo.brings[1].evidence == "Ressuage fluorescent, ligne automatisée"
    assert [c.code for c in bravo.gives_back] == ["machining-5-axis"], "Bravo needs what Alpha has: reciprocity"
    assert charlie.competition == Competition.DIRECT
    with translation.override("en"):
        assert charlie.overlap_sentence == "Shares 2 of your 3 core competencies: a direct competitor."


def test_an_organisation_not_listed_in_the_directory_is_proposed_to_the_staff_only(landing_gear, cluster, staff):
    for_member = opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear)
    for_staff = opportunities.analyse(actor=staff, opportunity=landing_gear)

    assert cluster.echo not in [card.organisation for card in for_member.partners]
    assert cluster.echo in [card.organisation for card in for_staff.partners]


def test_going_alone_says_why_and_offers_only_optional_partners(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha, text="Usinage 5 axes de supports en titane.")
    opportunities.set_opportunity_needs(actor=cluster.alpha_admin, opportunity=opportunity,
                                   must_haves=[capability("machining-5-axis")],
                                   nice_to_haves=[capability("ndt-penetrant")])
    opportunity.required_certifications.set([CertificationType.objects.get(code="as9100")])

    with translation.override("en"):
        result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=opportunity)
        headline = result.headline

    assert result.go_alone
    assert headline == "You have what it takes: go alone."
    assert any("core level" in reason and "5-axis machining" in reason for reason in result.reasons)
    assert any("required certifications" in reason for reason in result.reasons)
    assert result.consortia is None
    assert all(not item.must_have for card in result.partners for item in card.brings), \
        "partners are offered for the nice-to-haves only"


def test_a_missing_certification_means_partners(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha, text="Usinage 5 axes de supports en titane.")
    opportunity.required_certifications.set([CertificationType.objects.get(code="nadcap-ndt")])

    result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=opportunity)

    assert result.verdict == Verdict.PARTNERS
    assert [c.code for c in result.missing_certifications] == ["nadcap-ndt"]


def test_consortia_cover_every_must_have_and_are_proven_optimal(landing_gear, cluster):
    result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear)

    teams = result.consortia.teams
    assert teams and teams[0].status == SolveStatus.OPTIMAL
    assert len(teams[0].members) == 1, "Bravo alone, or Delta alone, covers the whole gap"
    assert {m.organisation for m in teams[0].members} <= {cluster.bravo, cluster.delta}
    assert len({tuple(m.organisation.pk for m in team.members) for team in teams}) == len(teams), "alternatives"
    for team in teams:
        covered = {b.capability.code for member in team.members for b in member.brings}
        assert covered >= {"heat-treatment-vacuum", "ndt-penetrant"}


def test_rules_are_applied_and_remembered_on_the_opportunity(landing_gear, cluster):
    rules = Rules(at_least_one_research=True, excluded=frozenset({cluster.bravo.pk}))

    result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear, rules=rules)

    assert [m.organisation for m in result.consortia.teams[0].members] == [cluster.delta]
    landing_gear.refresh_from_db()
    assert landing_gear.consortium_rules["at_least_one_research"] is True
    assert landing_gear.consortium_rules["excluded"] == [cluster.bravo.pk]
    again = opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear)
    assert again.rules == rules, "the page shows the rules chosen last time"
    assert actions(landing_gear).count("opportunity.rules_changed") == 1


def test_impossible_rules_say_which_rule_to_relax(landing_gear, cluster):
    rules = Rules(max_size=1, at_least_one_research=True, required_region="16")

    with translation.override("en"):
        result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear, rules=rules)
        explanation = result.consortia.explanation

    assert result.consortia.status == SolveStatus.INFEASIBLE
    assert not result.consortia.teams
    assert explanation == ["No team meets all your rules. To get one:"]
    assert "Allow 2 partners." in [s.sentence for s in result.consortia.suggestions]


def test_a_competency_nobody_has_is_named(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha)
    opportunities.set_opportunity_needs(actor=cluster.alpha_admin, opportunity=opportunity,
                                   must_haves=[capability("space-qualification"), capability("ndt-penetrant")])

    with translation.override("en"):
        result = opportunities.analyse(actor=cluster.alpha_admin, opportunity=opportunity)
        explanation = result.consortia.explanation

    assert [c.code for c in result.consortia.nobody_has] == ["space-qualification"]
    assert any(capability("space-qualification").label_en in sentence for sentence in explanation)


def test_another_member_cannot_analyse_even_a_published_opportunity(landing_gear, cluster):
    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)

    with pytest.raises(PermissionDenied):
        opportunities.analyse(actor=cluster.bravo_admin, opportunity=landing_gear)


def test_the_analysis_reads_a_capability_changed_a_moment_ago(landing_gear, cluster):
    opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear)
    hold(cluster.alpha, "heat-treatment-vacuum")
    hold(cluster.alpha, "ndt-penetrant")

    assert opportunities.analyse(actor=cluster.alpha_admin, opportunity=landing_gear).go_alone


# Publishing and closing -------------------------------------------------------------------------------------

def test_publishing_and_closing_are_audited(landing_gear, cluster):
    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)
    opportunities.close_opportunity(actor=cluster.alpha_admin, opportunity=landing_gear)

    assert actions(landing_gear)[-2:] == ["opportunity.published", "opportunity.closed"]
    with pytest.raises(PermissionDenied):
        opportunities.set_opportunity_needs(actor=cluster.alpha_admin, opportunity=landing_gear,
                                       must_haves=[capability("ndt-penetrant")])


def test_closing_withdraws_pending_introductions_and_tells_the_partner(landing_gear, cluster,
                                                                      django_capture_on_commit_callbacks):
    introduction = introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear,
                                                 partner=cluster.charlie)
    with django_capture_on_commit_callbacks(execute=True):
        opportunities.close_opportunity(actor=cluster.alpha_admin, opportunity=landing_gear)

    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.WITHDRAWN
    assert Notification.objects.filter(user=cluster.charlie_admin, url=introduction.get_absolute_url()).exists()


# Introductions ----------------------------------------------------------------------------------------------

def test_requesting_twice_makes_one_introduction(landing_gear, cluster):
    first = introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear,
                                          partner=cluster.bravo, message="Bonjour !")
    second = introductions.request_introduction(actor=cluster.alpha_user, opportunity=landing_gear, partner=cluster.bravo)

    assert first == second
    assert Introduction.objects.count() == 1
    assert first.messages.count() == 1
    assert actions(first) == ["introduction.requested"]


def test_the_partner_reads_of_the_request_in_the_language_it_reads_in(landing_gear, cluster,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear, partner=cluster.bravo)

    [notification] = Notification.objects.filter(user=cluster.bravo_admin)
    with translation.override("en"):
        assert notify.readable(notification).text.startswith("Alpha Usinage asks to be introduced to you")
    with translation.override("fr"):
        assert notify.readable(notification).text.startswith("Alpha Usinage demande à être mise en relation avec vous")


def test_one_cannot_ask_to_be_introduced_to_ones_own_organisation(landing_gear, cluster):
    with pytest.raises(ValidationError) as refused:
        introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear, partner=cluster.alpha)

    assert refused.value.code == "own"
    assert not Introduction.objects.exists()


def test_a_member_cannot_ask_for_an_organisation_hidden_from_the_directory(landing_gear, cluster):
    with pytest.raises(ValidationError):
        introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear, partner=cluster.echo)


def test_another_member_cannot_ask_introductions_for_an_opportunity_not_its_own(landing_gear, cluster):
    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)

    with pytest.raises(PermissionDenied):
        introductions.request_introduction(actor=cluster.bravo_admin, opportunity=landing_gear, partner=cluster.delta)


def test_only_the_partners_administrator_or_the_staff_answer(landing_gear, cluster, staff):
    introduction = introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear,
                                                 partner=cluster.charlie)
    for outsider in (cluster.alpha_admin, cluster.bravo_admin):
        with pytest.raises(PermissionDenied):
            introductions.answer_introduction(actor=outsider, introduction=introduction, accept=True)

    introductions.answer_introduction(actor=staff, introduction=introduction, accept=False)

    introduction.refresh_from_db()
    assert (introduction.status, introduction.answered_by) == (IntroductionStatus.DECLINED, staff)


def test_accepting_twice_is_one_answer_and_changing_ones_mind_is_refused(landing_gear, cluster,
                                                                        django_capture_on_commit_callbacks):
    introduction = introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear,
                                                 partner=cluster.bravo)
    with django_capture_on_commit_callbacks(execute=True):
        introductions.answer_introduction(actor=cluster.bravo_admin, introduction=introduction, accept=True)
        introductions.answer_introduction(actor=cluster.bravo_admin, introduction=introduction, accept=True)

    assert actions(introduction) == ["introduction.requested", "introduction.accepted"]
    assert Notification.objects.filter(user=cluster.alpha_admin, url=introduction.get_absolute_url()).count() == 1
    with pytest.raises(ValidationError):
        introductions.answer_introduction(actor=cluster.bravo_admin, introduction=introduction, accept=False)


def test_contacts_are_shared_only_once_accepted(landing_gear, cluster):
    from grappe.partnering.selectors.introductions import introduction_contacts

    introduction = introductions.request_introduction(actor=cluster.alpha_user, opportunity=landing_gear,
                                                 partner=cluster.charlie)
    assert introduction_contacts(introduction, cluster.alpha_user) == []

    introduction = introductions.answer_introduction(actor=cluster.charlie_admin, introduction=introduction, accept=True)

    initiator_side, partner_side = introduction_contacts(introduction, cluster.charlie_admin)
    assert initiator_side.requester_email == "user@alpha.test", "the person who asked can be reached"
    assert [p.email for p in initiator_side.people] == ["admin@alpha.test"], "consenting contacts only"
    assert [p.email for p in partner_side.people] == ["admin@charlie.test"]


def test_a_message_reaches_the_other_side_and_a_declined_thread_is_closed(landing_gear, cluster,
                                                                         django_capture_on_commit_callbacks):
    introduction = introductions.request_introduction(actor=cluster.alpha_user, opportunity=landing_gear,
                                                 partner=cluster.bravo)
    with django_capture_on_commit_callbacks(execute=True):
        introductions.post_introduction_message(actor=cluster.bravo_admin, introduction=introduction,
                                           text="Quel volume annuel ?")

    assert Notification.objects.filter(user=cluster.alpha_user, url=introduction.get_absolute_url()).count() == 1
    assert not Notification.objects.filter(user=cluster.bravo_admin).exists(), "not told of one's own message"
    introductions.answer_introduction(actor=cluster.bravo_admin, introduction=introduction, accept=False)
    with pytest.raises(PermissionDenied):
        introductions.post_introduction_message(actor=cluster.alpha_user, introduction=introduction, text="Dommage.")


def test_an_empty_message_is_refused(landing_gear, cluster):
    introduction = introductions.request_introduction(actor=cluster.alpha_user, opportunity=landing_gear,
                                                 partner=cluster.bravo)

    with pytest.raises(ValidationError):
        introductions.post_introduction_message(actor=cluster.alpha_user, introduction=introduction, text="   ")



def test_a_certification_named_in_the_text_is_required(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha,
                           text="Usinage 5 axes de supports en titane. Fournisseur certifié AS9100 exigé.")

    assert list(opportunity.required_certifications.values_list("code", flat=True)) == ["as9100"]
