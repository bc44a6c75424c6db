"""Directory search: what a visitor types finds the members it means, in French or English, on any database.

These tests run on SQLite (LIKE on the folded text) and on PostgreSQL (full-text search): run them on both.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils.text import slugify
from hypothesis import given
from hypothesis import strategies as st

from grappe.conftest import make_organisation
from grappe.members import selectors
from grappe.members.models import Capability, CertificationType, MembershipStatus, Organisation, OrganisationKind
from grappe.members.search import fold, query_stems
from grappe.members.services import certifications as certification_services
from grappe.members.services import organisations, taxonomy
from grappe.members.taxonomy_file import read_taxonomy


SHIPPED_TAXONOMY = read_taxonomy()  # parsed once: YAML parsing is slower than loading it into the database


def organisation(staff, name: str, capabilities: list[str], certifications: list[str] = (), **fields):
    """An organisation as staff and members build it: through the services, which keep search text fresh."""
    created = make_organisation(name, slug=slugify(name), **fields)
    for code in capabilities:
        organisations.set_capability(actor=staff, organisation=created,
                                capability=Capability.objects.get(code=code), level="core")
    for code in certifications:
        certification_services.save_certification(actor=staff, organisation=created,
                                    data={"certification_type": CertificationType.objects.get(code=code)})
    return created


@pytest.fixture
def cluster(staff):
    taxonomy.load_taxonomy(SHIPPED_TAXONOMY)
    return SimpleNamespace(
        alpha=organisation(
            staff, "Alpha Précision", ["machining-5-axis"], ["as9100"], kind=OrganisationKind.SME,
            region="06", size_band="10-49",
            description_fr="Usinage de précision de pièces de moteur en titane, exportées aux États-Unis."),
        bravo=organisation(
            staff, "Bravo Aérostructures", ["composites-prepreg-layup"], ["nadcap-composites"],
            kind=OrganisationKind.TIER2, region="13", size_band="50-199",
            description_en="We build composite panels for business jets."),
        charlie=organisation(
            staff, "Charlie Inspection", ["ndt-ultrasonic"], kind=OrganisationKind.SERVICE_FIRM, region="16",
            size_band="1-9", description_en="Inspection of aircraft parts, on site or in our lab."),
        delta=organisation(
            staff, "Delta Laboratoire", ["ndt-penetrant", "ndt-magnetic-particle"], kind=OrganisationKind.SME,
            region="03", size_band="10-49", description_fr="Contrôle non destructif de pièces moulées."),
        unlisted=organisation(staff, "Echo Discrète", ["machining-5-axis"], listed_in_directory=False),
        former=organisation(staff, "Foxtrot Ancienne", ["machining-5-axis"],
                            membership_status=MembershipStatus.FORMER),
    )


def found(user, **filters) -> set[str]:
    """The names of the organisations `user` finds in the directory with these filters."""
    queryset = selectors.filter_directory(selectors.directory_organisations(user), filters)
    return {o.legal_name for o in queryset}


def public(**filters) -> set[str]:
    return found(AnonymousUser(), **filters)


def test_folding_removes_accents_case_and_punctuation():
    assert fold("Contrôle NON-destructif, États-Unis") == "controle non destructif etats unis"
    assert query_stems("les composites de l'avion") == query_stems("composite avion")


@pytest.mark.parametrize("query", ["ETATS", "états", "Etats-Unis", "ÉTATS UNIS"])
def test_search_ignores_accents_and_case(cluster, query):
    assert public(q=query) == {"Alpha Précision"}


@pytest.mark.parametrize("query", ["Contrôle", "controle", "CONTROLE"])
def test_an_accented_word_is_found_typed_either_way(cluster, query):
    assert public(q=query) == {"Charlie Inspection", "Delta Laboratoire"}


@pytest.mark.parametrize("query", ["usinage 5 axes", "5-axis machining", "five-axis", "fraisage cinq axes"])
def test_a_capability_is_found_by_its_label_or_synonym_in_either_language(cluster, query):
    assert public(q=query) == {"Alpha Précision"}


def test_a_french_query_finds_an_organisation_described_in_english(cluster):
    """Charlie writes only in English; its declared capability carries the French words."""
    assert public(q="contrôle par ultrasons") == {"Charlie Inspection"}


def test_an_english_query_finds_an_organisation_described_in_french(cluster):
    assert public(q="penetrant inspection") == {"Delta Laboratoire"}
    assert public(q="magnetic particle") == {"Delta Laboratoire"}


@pytest.mark.parametrize("query", ["composite", "composites", "COMPOSITES", "panel", "matériaux composites"])
def test_singular_and_plural_find_the_same_organisations(cluster, query):
    assert public(q=query) == {"Bravo Aérostructures"}


def test_french_plurals_are_found_from_the_singular(cluster):
    assert public(q="pièce moulée") == {"Delta Laboratoire"}


@pytest.mark.parametrize("query", ["matériaux", "matériau", "materials"])
def test_plurals_in_aux_are_found(cluster, query):
    """The French stem of 'matériaux' is 'material': the query must still find the word as written."""
    assert public(q=query) == {"Bravo Aérostructures"}


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêàâçîôûù", min_size=1, max_size=20))
def test_a_word_typed_as_it_was_written_always_matches_it(word):
    folded = fold(word)
    for stem in query_stems(word):
        assert folded.startswith(stem)


def test_words_that_say_nothing_are_ignored(cluster):
    assert public(q="pièces pour le moteur") == {"Alpha Précision"}
    assert public(q="the ultrasonic inspection") == {"Charlie Inspection"}
    assert public(q="de la") == public()


def test_every_word_of_the_query_must_match(cluster):
    assert public(q="usinage ultrasons") == set()


def test_filter_by_capability(cluster):
    five_axis = Capability.objects.get(code="machining-5-axis")
    assert public(capability=five_axis) == {"Alpha Précision"}
    assert public(capability=five_axis.parent) == {"Alpha Précision"}


def test_filter_by_domain_lists_each_organisation_once(cluster):
    ndt = Capability.objects.get(code="ndt")
    everyone = selectors.directory_organisations(AnonymousUser())
    queryset = selectors.filter_directory(everyone, {"capability": ndt})
    assert sorted(o.legal_name for o in queryset) == ["Charlie Inspection", "Delta Laboratoire"]


def test_filter_by_certification(cluster):
    assert public(certification=CertificationType.objects.get(code="as9100")) == {"Alpha Précision"}
    assert public(q="nadcap") == {"Bravo Aérostructures"}


def test_filter_by_kind_region_and_size(cluster):
    assert public(kind=OrganisationKind.TIER2) == {"Bravo Aérostructures"}
    assert public(region="16") == {"Charlie Inspection"}
    assert public(size="10-49") == {"Alpha Précision", "Delta Laboratoire"}
    assert public(kind=OrganisationKind.SME, size="10-49", region="03") == {"Delta Laboratoire"}


def test_filters_combine_with_text(cluster):
    ndt = Capability.objects.get(code="ndt")
    assert public(q="controle", region="16") == {"Charlie Inspection"}
    assert public(q="ressuage", capability=ndt) == {"Delta Laboratoire"}
    assert public(q="ressuage", capability=ndt, region="16") == set()
    assert public(q="usinage", size="50-199") == set()


def test_unlisted_and_former_members_are_not_in_the_public_directory(cluster, org_user, staff):
    assert public(q="usinage 5 axes") == {"Alpha Précision"}
    assert found(org_user, q="usinage 5 axes") == {"Alpha Précision"}
    assert found(staff, q="usinage 5 axes") == {"Alpha Précision", "Echo Discrète", "Foxtrot Ancienne"}


def test_the_directory_page_searches_and_filters(cluster, client):
    ndt = Capability.objects.get(code="ndt")
    response = client.get(reverse("members:directory"), {"q": "CONTRÔLE", "capability": ndt.pk})
    page = response.context["page"]  # of organisation ids: the cards come from members.directory_cache
    names = set(Organisation.objects.filter(pk__in=list(page)).values_list("legal_name", flat=True))
    assert names == {"Charlie Inspection", "Delta Laboratoire"}

    response = client.get(reverse("members:directory"), {"q": "usinage 5 axes"})
    html = response.content.decode()
    assert "Alpha Précision" in html
    assert "Echo Discrète" not in html and "Foxtrot Ancienne" not in html


def test_postgresql_uses_full_text_search_and_ranks(cluster):
    everyone = selectors.directory_organisations(AnonymousUser())
    queryset = selectors.filter_directory(everyone, {"q": "usinage"})
    sql = str(queryset.query)
    if connection.vendor == "postgresql":
        assert "@@" in sql and "to_tsquery" in sql
        assert "search_rank" in queryset.query.annotations
    else:
        assert "LIKE" in sql
