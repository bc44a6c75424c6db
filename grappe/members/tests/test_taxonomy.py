"""The capability taxonomy: the shipped aerospace file, two levels only, and search kept in step with it."""

import pytest
from django.core.exceptions import PermissionDenied

from grappe.core.models import AuditEntry
from grappe.members import selectors
from grappe.members.models import Capability, Organisation
from grappe.members.services import organisations, taxonomy
from grappe.members.taxonomy_file import read_taxonomy


@pytest.fixture
def shipped(db):
    taxonomy.load_taxonomy(read_taxonomy())
    return Capability.objects.all()


def leaves():
    return Capability.objects.filter(parent__isnull=False)


def test_the_shipped_taxonomy_has_at_least_150_bilingual_capabilities(shipped):
    assert leaves().count() >= 150
    assert not leaves().filter(label_fr="").exists()
    assert not leaves().filter(label_en="").exists()
    assert not leaves().filter(parent__parent__isnull=False).exists(), "two levels: domain > capability"
    domains = Capability.objects.filter(parent__isnull=True)
    assert domains.count() >= 10
    assert all(domain.children.exists() for domain in domains)


def test_every_shipped_capability_has_synonyms_in_both_languages(shipped):
    missing = [(c.code, language) for c in leaves() for language in ("fr", "en")
               if not c.synonym_list(language)]
    assert missing == []


def test_loading_the_taxonomy_twice_changes_nothing(shipped):
    first = dict(Capability.objects.values_list("code", "id"))
    parents = dict(Capability.objects.values_list("code", "parent__code"))

    taxonomy.load_taxonomy(read_taxonomy())

    assert dict(Capability.objects.values_list("code", "id")) == first
    assert dict(Capability.objects.values_list("code", "parent__code")) == parents


def test_loading_updates_a_label_by_code(shipped):
    nodes = read_taxonomy()
    nodes[0]["children"][0]["en"] = "Five-axis machining"
    code = nodes[0]["children"][0]["code"]
    before = Capability.objects.count()

    taxonomy.load_taxonomy(nodes)

    assert Capability.objects.get(code=code).label_en == "Five-axis machining"
    assert Capability.objects.count() == before
    assert AuditEntry.objects.filter(action="taxonomy.loaded").count() == 2


def test_a_capability_cannot_be_placed_under_another_capability(staff, capability):
    with pytest.raises(ValueError):
        taxonomy.save_capability_node(actor=staff, data={
            "parent": capability, "code": "third-level", "label_fr": "Trop profond", "label_en": "Too deep"})
    assert not Capability.objects.filter(code="third-level").exists()


def test_a_domain_with_capabilities_cannot_move_into_another_domain(staff, capability):
    other_domain = Capability.objects.create(code="composites", label_fr="Composites", label_en="Composites")
    machining = capability.parent

    with pytest.raises(ValueError):
        taxonomy.save_capability_node(actor=staff, capability=machining, data={"parent": other_domain})

    machining.refresh_from_db()
    assert machining.parent is None


def test_a_new_capability_goes_into_a_domain(staff, capability):
    node = taxonomy.save_capability_node(actor=staff, data={
        "parent": capability.parent, "code": "machining-broaching", "label_fr": "Brochage",
        "label_en": "Broaching", "synonyms_fr": "brochage intérieur", "synonyms_en": "internal broaching"})

    assert node.parent == capability.parent
    assert AuditEntry.objects.filter(action="taxonomy.added", target_id=str(node.pk)).count() == 1


def test_only_staff_edit_the_taxonomy(org_admin, capability):
    with pytest.raises(PermissionDenied):
        taxonomy.save_capability_node(actor=org_admin, capability=capability, data={"label_en": "Hacked"})
    capability.refresh_from_db()
    assert capability.label_en == "5-axis machining"


def test_a_new_synonym_finds_the_organisations_that_hold_the_capability(
        staff, org_admin, org_a, capability, django_capture_on_commit_callbacks):
    organisations.set_capability(actor=org_admin, organisation=org_a, capability=capability, level="core")
    public = selectors.directory_organisations(staff)
    assert not selectors.filter_directory(public, {"q": "trochoïdal"}).exists()

    with django_capture_on_commit_callbacks(execute=True):
        taxonomy.save_capability_node(actor=staff, capability=capability, data={
            "synonyms_fr": capability.synonyms_fr + "\nfraisage trochoïdal"})

    assert list(selectors.filter_directory(public, {"q": "trochoïdal"})) == [org_a]
    assert list(selectors.filter_directory(public, {"q": "fraisage trochoidal"})) == [org_a]
    assert "trochoidal" in Organisation.objects.get(pk=org_a.pk).search_text


def test_the_taxonomy_page_filters_by_words_in_either_language_accents_and_case_folded(client, staff, shipped):
    from django.urls import reverse

    client.force_login(staff)
    everything = client.get(reverse("members:taxonomy")).content.decode()
    found = client.get(reverse("members:taxonomy"), {"q": "CONTROLE non destructif"}).content.decode()
    assert len(found) < len(everything) / 3
    assert "<details" in found and "<details class=\"mb-2 border rounded\" open>" in found
    assert 'role="search"' in found and 'name="q"' in found
    nothing = client.get(reverse("members:taxonomy"), {"q": "zzzz introuvable"}).content.decode()
    assert "Aucune compétence ne correspond à ces mots." in nothing


def test_the_taxonomy_filter_keeps_a_matching_domain_whole_and_only_matching_capabilities_elsewhere(capability):
    domain = capability.parent
    other = Capability.objects.create(parent=domain, code="grinding", label_fr="Rectification", label_en="Grinding")
    assert selectors.taxonomy_tree("cinq axes") == [(domain, [capability])]
    assert selectors.taxonomy_tree("usinage") == [(domain, [capability, other])]
    assert selectors.taxonomy_tree("GRINDING") == [(domain, [other])]
    assert selectors.taxonomy_tree("soudage") == []


def test_a_saved_capability_has_its_names_encoded_by_a_background_task(staff, capability, fake_encoder):
    from grappe.conftest import committed
    from grappe.core import vectors

    with committed():
        taxonomy.save_capability_node(actor=staff, capability=capability, data={
            "label_fr": "Usinage de titane", "synonyms_en": "titanium machining"})
        assert fake_encoder.calls == 0, "the page that saved it does not wait on the encoder"

    names = capability.all_terms()
    assert set(vectors.stored_vectors(names, side=vectors.PASSAGE)) == set(names)
