"""What an opportunity's text gives beyond its competencies, and what a bad text gets: the materials it names
prefer partners who work them, a domain-level need says who covers it, a text too long is cut with a word."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from grappe.members.models import Capability, Certification, CertificationType, OrganisationCapability
from grappe.partnering.models import MAX_DESCRIPTION_LENGTH, Opportunity
from grappe.partnering.selectors import analysis
from grappe.partnering.services import opportunities

from .conftest import NO_COMPETENCY, describe

ANALYSE = "/api/partnering/analyse"


@pytest.fixture
def alpha_client(client, cluster):
    client.force_login(cluster.alpha_admin)
    return client


def write_evidence(organisation, evidence: str) -> None:
    """Delta's penetrant testing, with these words of evidence (saved: the engine hears of it)."""
    holding = OrganisationCapability.objects.get(organisation=organisation, capability__code="ndt-penetrant")
    holding.evidence = evidence
    holding.save()


def partner_order(result) -> list[str]:
    return [card.organisation.legal_name for card in result.partners]


# Materials ----------------------------------------------------------------------------------------------

def test_the_materials_a_text_names_are_stored_on_the_opportunity(cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha,
                           text="Usinage 5 axes de ferrures en titane et en Inconel 718, contrôle par ressuage.")

    assert opportunity.materials == ["titanium", "inconel"]


def test_a_partner_whose_evidence_names_the_material_ranks_higher_with_the_reason(landing_gear, cluster):
    before = analysis.analyse_opportunity(user=cluster.alpha_admin, opportunity=landing_gear,
                                          rules=analysis.NO_RULES)
    assert partner_order(before).index("Bravo Composites") < partner_order(before).index("Delta Recherche")
    write_evidence(cluster.delta, "Ressuage de ferrures en titane pour Safran")

    with translation.override("fr"):
        after = analysis.analyse_opportunity(user=cluster.alpha_admin, opportunity=landing_gear,
                                             rules=analysis.NO_RULES)

    assert landing_gear.materials == ["titanium"]
    order = partner_order(after)
    assert order.index("Delta Recherche") < order.index("Bravo Composites")
    delta = after.partners[order.index("Delta Recherche")]
    penetrant = Capability.objects.get(code="ndt-penetrant")
    assert delta.material_reasons == (f"Ses preuves mentionnent : titane ({penetrant.label_fr}).",)
    assert all(not card.material_reasons for card in after.partners if card is not delta)
    assert set(order) == set(partner_order(before)), "a preference: nobody is added or dropped"


def test_a_certification_scope_naming_the_material_counts_too(landing_gear, cluster):
    nadcap, _created = CertificationType.objects.get_or_create(
        code="nadcap-ndt", defaults={"label_fr": "Nadcap CND", "label_en": "Nadcap NDT", "family": "Nadcap"})
    Certification.objects.create(organisation=cluster.delta, certification_type=nadcap,
                                 scope="Penetrant inspection of titanium alloys")

    with translation.override("en"):
        result = analysis.analyse_opportunity(user=cluster.alpha_admin, opportunity=landing_gear,
                                              rules=analysis.NO_RULES)

    delta = next(card for card in result.partners if card.organisation == cluster.delta)
    assert delta.material_reasons == (f"Its certifications mention: titanium ({nadcap.label_en}).",)


def test_the_pages_say_the_materials_and_why_a_partner_is_preferred(alpha_client, landing_gear, cluster):
    write_evidence(cluster.delta, "Ressuage de ferrures en titane")

    detail = alpha_client.get(reverse("partnering:opportunity-detail", args=[landing_gear.pk])).content.decode()
    page = alpha_client.get(reverse("partnering:opportunity-analysis", args=[landing_gear.pk])).content.decode()

    assert '<dd data-testid="materials">titane</dd>' in detail
    assert "<strong>Matériaux :</strong> titane" in page
    assert 'data-testid="materials-named">Ses preuves mentionnent : titane' in page


def test_the_api_says_the_materials_and_the_reason(client, cluster):
    write_evidence(cluster.delta, "Penetrant testing of titanium brackets")
    client.force_login(cluster.alpha_admin)

    answer = client.post(ANALYSE, {"text": "Titanium brackets: penetrant testing."},
                         content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert answer["materials"] == [{"code": "titanium", "label": "titanium"}]
    delta = next(p for p in answer["partners"] if p["organisation"]["slug"] == cluster.delta.slug)
    assert delta["materials"][0].startswith("Its evidence mentions: titanium")


# Domain-level needs -------------------------------------------------------------------------------------

def test_a_domain_level_need_says_which_capabilities_of_the_partners_cover_it(alpha_client, cluster):
    opportunity = describe(cluster.alpha_admin, cluster.alpha,
                           text="Usinage 5 axes de ferrures avec contrôle non destructif.")
    assert opportunity.needs.filter(capability__code="ndt").exists()
    penetrant = Capability.objects.get(code="ndt-penetrant")

    with translation.override("fr"):
        result = analysis.analyse_opportunity(user=cluster.alpha_admin, opportunity=opportunity,
                                              rules=analysis.NO_RULES)
        line = next(line for line in result.needs if line.capability.code == "ndt")
        sentence = line.covered_by_sentence
    page = alpha_client.get(reverse("partnering:opportunity-analysis", args=[opportunity.pk])).content.decode()

    assert (penetrant, cluster.bravo) in line.covered_by and (penetrant, cluster.delta) in line.covered_by
    assert sentence.startswith(f"couvert par : {penetrant.label_fr} (Bravo Composites)")
    assert 'data-testid="covered-by">couvert par : ' in page
    card = next(card for card in result.partners if card.organisation == cluster.bravo)
    assert [b.covered_by for b in card.brings if b.capability.code == "ndt"] == [(penetrant,)]


def test_a_need_for_one_capability_names_no_coverage(landing_gear, cluster):
    result = analysis.analyse_opportunity(user=cluster.alpha_admin, opportunity=landing_gear,
                                          rules=analysis.NO_RULES)

    assert all(line.covered_by == () for line in result.needs)


# Bad input ----------------------------------------------------------------------------------------------

NOTHING_FOUND = ("We found no competency of the taxonomy in this text. Describe the work to be done: processes, "
                 "materials, parts, tests, certifications…")


@pytest.mark.parametrize("text", ["xqzt blorf wumpa grint", NO_COMPETENCY])
def test_a_text_in_which_nothing_is_recognised_answers_422_with_its_sentence(client, cluster, text):
    client.force_login(cluster.alpha_admin)

    response = client.post(ANALYSE, {"text": text}, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == NOTHING_FOUND


def ten_thousand_words() -> str:
    return " ".join(["Usinage 5 axes de ferrures en titane"] + ["contrôle"] * 9993)


def test_a_text_of_ten_thousand_words_is_cut_at_the_limit_at_a_words_end(cluster):
    text = ten_thousand_words()
    assert len(text.split()) == 10_000 and len(text) > MAX_DESCRIPTION_LENGTH

    opportunity = describe(cluster.alpha_admin, cluster.alpha, text=text)

    assert len(opportunity.description) <= MAX_DESCRIPTION_LENGTH
    assert text.startswith(opportunity.description) and opportunity.description.endswith("contrôle")
    assert opportunity.needs.filter(capability__code="machining-5-axis").exists()
    assert opportunities.cut_note(text)
    assert opportunities.cut_note("Usinage 5 axes") == ""


def test_the_page_says_a_long_text_was_cut(alpha_client):
    from .test_views import describe_form

    response = alpha_client.post(reverse("partnering:opportunity-create"),
                                 describe_form(description=ten_thousand_words()), follow=True)

    assert Opportunity.objects.count() == 1
    assert "Grappe en a lu et gardé les 50,000 premiers" in response.content.decode()


def test_the_api_says_a_long_text_was_cut(client, cluster):
    client.force_login(cluster.alpha_admin)

    response = client.post(ANALYSE, {"text": ten_thousand_words()},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Grappe read and kept the first 50,000" in response.json()["notes"][0]


def test_a_whole_file_pasted_is_still_refused(cluster):
    with pytest.raises(ValidationError) as refused:
        describe(cluster.alpha_admin, cluster.alpha, text="usinage 5 axes " * 40_000)

    assert refused.value.code == "too_long"
    assert not Opportunity.objects.exists()


# Vectors ------------------------------------------------------------------------------------------------

def test_an_opportunitys_text_is_encoded_by_a_background_task_never_in_the_request(alpha_client, fake_encoder):
    from grappe.conftest import committed
    from grappe.core import vectors

    from .test_views import describe_form

    with committed():
        response = alpha_client.post(reverse("partnering:opportunity-create"), describe_form())
        assert fake_encoder.calls == 0, "the request does not wait on the encoder"

    assert response.status_code == 302
    description = Opportunity.objects.get().description
    assert fake_encoder.calls == 1
    assert list(vectors.stored_vectors([description])) == [description]


def test_a_failing_encoder_never_fails_the_description(alpha_client, fake_encoder):
    from grappe.conftest import committed
    from grappe.core.models import TextEmbedding

    from .test_views import describe_form

    fake_encoder.broken = True
    with committed():
        response = alpha_client.post(reverse("partnering:opportunity-create"), describe_form())

    assert response.status_code == 302 and Opportunity.objects.count() == 1
    assert not TextEmbedding.objects.exists()
