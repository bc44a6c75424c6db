"""The partnering pages as a member uses them: describe, confirm, read the answer, ask, answer, talk."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from grappe.members.models import Capability, CertificationType
from grappe.partnering.services import introductions, opportunities
from grappe.partnering.models import Introduction, IntroductionStatus, Opportunity, Visibility

from .conftest import LANDING_GEAR, NO_COMPETENCY


@pytest.fixture
def alpha_client(client, cluster):
    client.force_login(cluster.alpha_admin)
    return client


def describe_form(**overrides) -> dict:
    import uuid

    data = {"kind": "tender", "title": "Train d'atterrissage", "description": LANDING_GEAR, "region": "06",
            "budget": "250000", "deadline": "2030-06-30", "form_token": str(uuid.uuid4()),
            "required_certifications": [CertificationType.objects.get(code="as9100").pk]}
    data.update(overrides)
    return data


def test_describing_leads_to_the_competencies_with_their_triggers(alpha_client, cluster):
    response = alpha_client.post(reverse("partnering:opportunity-create"), describe_form(), follow=True)

    opportunity = Opportunity.objects.get()
    assert response.redirect_chain[-1][0] == reverse("partnering:opportunity-competencies", args=[opportunity.pk])
    assert opportunity.initiator == cluster.alpha
    assert list(opportunity.required_certifications.values_list("code", flat=True)) == ["as9100"]
    page = response.content.decode()
    assert "<mark>usinage 5 axes</mark>" in page
    assert "<mark>contrôle par ressuage</mark>" in page


def test_the_competencies_page_says_which_needs_the_initiator_already_has(alpha_client, cluster):
    alpha_client.post(reverse("partnering:opportunity-create"), describe_form())
    opportunity = Opportunity.objects.get()

    page = alpha_client.get(reverse("partnering:opportunity-competencies", args=[opportunity.pk]))

    needs = {need.capability.code: need.capability_id in page.context["held"] for need in opportunity.needs.all()}
    held = {code for code, is_held in needs.items() if is_held}
    assert "machining-5-axis" in held  # alpha declares it
    assert set(needs) - held, "the needs alpha lacks (penetrant testing, heat treatment) are not marked"
    assert page.content.decode().count('data-testid="held"') == len(held)


def test_a_double_submitted_description_makes_one_opportunity(alpha_client):
    data = describe_form()
    alpha_client.post(reverse("partnering:opportunity-create"), data)
    alpha_client.post(reverse("partnering:opportunity-create"), data)

    assert Opportunity.objects.count() == 1


@pytest.mark.parametrize("text", ["xqzt blorf wumpa grint", NO_COMPETENCY])
def test_a_description_without_competency_is_shown_again_with_the_reason(alpha_client, text):
    response = alpha_client.post(reverse("partnering:opportunity-create"), describe_form(description=text))

    assert response.status_code == 200
    assert not Opportunity.objects.exists()
    assert escape(text) in response.content.decode(), "what was typed is kept"
    assert response.context["form"].errors["description"]


def test_a_description_over_500000_characters_is_refused(alpha_client):
    response = alpha_client.post(reverse("partnering:opportunity-create"),
                                 describe_form(description="usinage 5 axes " * 40_000))

    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert not Opportunity.objects.exists()


def test_the_staff_name_the_initiator(client, cluster, staff):
    client.force_login(staff)
    client.post(reverse("partnering:opportunity-create"), describe_form(initiator=cluster.delta.slug, kind="funding"))

    assert Opportunity.objects.get().initiator == cluster.delta


def test_each_competency_is_a_fieldset_named_by_its_legend_with_one_labelled_line_per_choice(alpha_client, cluster):
    from django.test.html import parse_html

    opportunity = opportunities.describe_opportunity(actor=cluster.alpha_admin, initiator=cluster.alpha,
                                                data={"title": "T", "description": LANDING_GEAR})
    page = alpha_client.get(reverse("partnering:opportunity-competencies", args=[opportunity.pk])).content.decode()

    assert "btn-check" not in page, "a choice is a radio button with its label, not a button squeezed in a row"
    parse_html(page)  # well formed
    for need in opportunity.needs.select_related("capability"):
        item = page[page.index(f'data-code="{need.capability.code}"'):]
        item = item[:item.index("</fieldset>")]
        assert "<legend" in item and escape(need.capability.label) in item[item.index("<legend"):item.index("</legend>")]
        assert item.count('class="form-check"') == 3
        for choice in ("must", "nice", "remove"):
            field_id = f"id_need_{need.capability_id}_" + str(["must", "nice", "remove"].index(choice))
            assert f'value="{choice}"' in item and f'for="{field_id}"' in item and f'id="{field_id}"' in item


def test_editing_the_competencies_marks_one_nice_to_have_and_adds_one(alpha_client, cluster):
    opportunity = opportunities.describe_opportunity(actor=cluster.alpha_admin, initiator=cluster.alpha,
                                                data={"title": "T", "description": LANDING_GEAR})
    needs = {n.capability.code: n for n in opportunity.needs.select_related("capability")}
    form = {f"need_{n.capability_id}": "must" for n in needs.values()}
    form[f"need_{needs['lg-landing-gear-manufacturing'].capability_id}"] = "nice"
    form[f"need_{needs['heat-treatment-vacuum'].capability_id}"] = "remove"
    form.update({"add": Capability.objects.get(code="surface-painting").pk, "add_as": "must", "analyse": ""})

    response = alpha_client.post(reverse("partnering:opportunity-competencies", args=[opportunity.pk]), form)

    assert response.url == reverse("partnering:opportunity-analysis", args=[opportunity.pk])
    kept = dict(opportunity.needs.values_list("capability__code", "must_have"))
    assert kept["lg-landing-gear-manufacturing"] is False
    assert kept["surface-painting"] is True
    assert "heat-treatment-vacuum" not in kept


def test_the_analysis_page_shows_the_verdict_the_partners_and_the_teams(alpha_client, landing_gear, cluster):
    response = alpha_client.get(reverse("partnering:opportunity-analysis", args=[landing_gear.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="partners"' in page
    assert page.index("Bravo Composites") < page.index("Charlie Traitements")
    assert "Ressuage fluorescent, ligne automatisée" in page, "the evidence of what a partner brings"
    assert "Echo Discret" not in page, "not listed in the directory: not proposed to a member"
    assert 'data-testid="team"' in page
    assert reverse("members:organisation-detail", args=[cluster.bravo.slug]) in page


def test_the_rules_form_resolves_the_teams_with_htmx(alpha_client, landing_gear, cluster):
    response = alpha_client.post(reverse("partnering:opportunity-analysis", args=[landing_gear.pk]),
                                 {"max_size": "1", "at_least_one_research": "on", "required_region": "16"},
                                 HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "<html" not in page, "only the consortia part is sent back"
    assert 'data-testid="infeasible"' in page
    assert 'data-testid="team"' not in page
    landing_gear.refresh_from_db()
    assert landing_gear.consortium_rules["max_size"] == 1


def test_the_analysis_queries_do_not_grow_with_the_number_of_partners(alpha_client, landing_gear, cluster,
                                                                    django_assert_max_num_queries):
    url = reverse("partnering:opportunity-analysis", args=[landing_gear.pk])
    alpha_client.get(url)  # builds the indexes once
    with django_assert_max_num_queries(25):
        alpha_client.get(url)


def test_requesting_an_introduction_twice_from_the_page_makes_one(alpha_client, landing_gear, cluster):
    url = reverse("partnering:introduction-request", args=[landing_gear.pk])
    alpha_client.post(url, {"partner": cluster.bravo.pk})
    response = alpha_client.post(url, {"partner": cluster.bravo.pk}, HTTP_HX_REQUEST="true")

    assert Introduction.objects.count() == 1
    assert 'data-testid="introduction-status"' in response.content.decode()


def test_the_partner_accepts_and_both_sides_see_the_contacts(client, landing_gear, cluster):
    introduction = introductions.request_introduction(actor=cluster.alpha_user, opportunity=landing_gear,
                                                 partner=cluster.charlie)
    client.force_login(cluster.charlie_admin)
    before = client.get(introduction.get_absolute_url()).content.decode()
    assert "user@alpha.test" not in before, "no contact before the partner accepts"

    client.post(reverse("partnering:introduction-answer", args=[introduction.pk]), {"answer": "accept"})

    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    after = client.get(introduction.get_absolute_url()).content.decode()
    assert "user@alpha.test" in after
    client.force_login(cluster.alpha_user)
    assert "admin@charlie.test" in client.get(introduction.get_absolute_url()).content.decode()


def test_a_message_is_posted_once_in_the_thread(alpha_client, landing_gear, cluster):
    import uuid

    introduction = introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear,
                                                 partner=cluster.bravo)
    data = {"text": "Pouvez-vous traiter 200 pièces par mois ?", "form_token": str(uuid.uuid4())}
    alpha_client.post(introduction.get_absolute_url(), data)
    alpha_client.post(introduction.get_absolute_url(), data)

    assert [m.text for m in introduction.messages.all()] == [data["text"]]


def test_the_lists_show_ours_the_published_ones_and_what_was_asked(client, landing_gear, cluster):
    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)
    introductions.request_introduction(actor=cluster.alpha_admin, opportunity=landing_gear, partner=cluster.bravo)
    client.force_login(cluster.bravo_admin)

    assert list(client.get(reverse("partnering:opportunity-list")).context["published"]) == [landing_gear]
    received = client.get(reverse("partnering:introduction-list")).context["received"]
    assert [i.opportunity for i in received] == [landing_gear]


def test_publishing_from_the_detail_page(alpha_client, landing_gear):
    alpha_client.post(landing_gear.get_absolute_url(), {"action": "publish"})

    landing_gear.refresh_from_db()
    assert landing_gear.visibility == Visibility.MEMBERS


def test_a_published_opportunity_does_not_name_who_described_it_to_other_members(client, landing_gear, cluster):
    opportunities.set_visibility(actor=cluster.alpha_admin, opportunity=landing_gear, visibility=Visibility.MEMBERS)
    client.force_login(cluster.bravo_admin)

    page = client.get(landing_gear.get_absolute_url()).content.decode()

    assert landing_gear.description[:40] in page.replace("&#x27;", "'")
    assert str(cluster.alpha_admin) not in page.split("<main", 1)[1], "a person's name is not a public field"


def test_a_member_who_is_not_an_admin_is_told_the_succession_page_is_for_admins(client, org_user):
    client.force_login(org_user)
    response = client.get(reverse("partnering:succession"))
    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]


def test_the_introductions_table_says_its_date_column_is_a_date(client, org_admin, org_a):
    from django.template.loader import render_to_string
    from django.utils import translation
    with translation.override("fr"):
        html = render_to_string("partnering/_introduction_table.html", {"introductions": [], "other_side": "partner"})
    assert "Demandée le" in html


def test_a_domain_named_in_the_text_is_shown_as_a_need_any_method_covers(alpha_client, cluster):
    opportunity = opportunities.describe_opportunity(
        actor=cluster.alpha_admin, initiator=cluster.alpha,
        data={"title": "T", "description": "Usinage 5 axes de ferrures avec contrôle non destructif."})

    page = alpha_client.get(reverse("partnering:opportunity-competencies", args=[opportunity.pk])).content.decode()

    ndt = Capability.objects.get(code="ndt")
    assert 'data-code="ndt"' in page
    assert f"<strong>{escape(ndt.label)}</strong> <span class=\"small text-muted\" data-testid=\"any-method\">" in page
