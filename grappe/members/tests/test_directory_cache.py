"""The directory's cached listings and cards: shared by visitors who see the same thing, never stale after a
change.

Each change test visits the directory first (so the listing is cached), makes the change the way the site
makes it — through its service, with the transaction committed — and expects the next visitor to see it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from grappe.conftest import committed, make_organisation
from grappe.members.directory_cache import directory_version
from grappe.members.models import (Capability, CapabilityLevel, CertificationType, Organisation,
                                   OrganisationCapability)
from grappe.members.services import certifications, imports, organisations, people, taxonomy

DIRECTORY = "/fr/members/"


@pytest.fixture
def alpha(org_a, capability, staff):
    """A listed organisation whose card shows one core capability."""
    with committed():
        organisations.set_capability(actor=staff, organisation=org_a, capability=capability, level=CapabilityLevel.CORE)
    return org_a


def badge(label: str) -> str:
    """A capability as a directory card shows it (the filter lists it too, in another form)."""
    return f'capability-tag me-1">{label}</span>'


def visit(client, path=DIRECTORY, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


# The listing is shared ----------------------------------------------------------------------------------

def test_a_second_visitor_is_served_the_listing_without_querying_it(client, alpha, django_assert_max_num_queries):
    visit(client)
    Organisation.objects.filter(pk=alpha.pk).update(legal_name="Renamed Behind The Services' Back")

    with django_assert_max_num_queries(1):  # the directory version
        html = visit(client)

    assert "Alpha Usinage" in html and "Renamed" not in html


def test_a_member_shares_the_public_listing_but_keeps_their_own_frame(client, alpha, org_user,
                                                                      django_assert_max_num_queries):
    visit(client)  # an anonymous visitor fills the cache
    client.force_login(org_user)
    Organisation.objects.filter(pk=alpha.pk).update(legal_name="Renamed Behind The Services' Back")

    # The member's own: session, account (with its person and organisation), unread notifications, what
    # partner clusters shared (cooperation's part under the directory); and the version.
    with django_assert_max_num_queries(5):
        html = visit(client)

    assert "Alpha Usinage" in html and "Renamed" not in html
    assert org_user.email in html  # the navigation bar is the member's own
    client.logout()
    assert org_user.email not in visit(client)


def test_a_new_search_reuses_the_cards_already_rendered(client, alpha):
    visit(client)
    Organisation.objects.filter(pk=alpha.pk).update(legal_name="Renamed Behind The Services' Back")

    html = visit(client, q="usinage")  # a listing not made yet, with a card made for the first one

    assert "Alpha Usinage" in html and "Renamed" not in html


def test_staff_never_get_the_public_listing_nor_give_theirs(client, alpha, staff):
    hidden = make_organisation("Hidden Aero", listed_in_directory=False)
    client.force_login(staff)
    assert hidden.legal_name in visit(client)
    client.logout()

    assert hidden.legal_name not in visit(client)

    client.force_login(staff)
    assert hidden.legal_name in visit(client)


def test_the_staff_listing_is_not_cached(client, alpha, staff):
    visit(client)
    client.force_login(staff)
    visit(client)
    make_organisation("Bravo Added In The Back")  # straight into the database: no version bump

    assert "Bravo Added In The Back" in visit(client)
    client.logout()
    assert "Bravo Added In The Back" not in visit(client)


def test_languages_do_not_mix(client, alpha):
    assert badge("Usinage 5 axes") in visit(client, "/fr/members/")
    english = visit(client, "/en/members/")
    assert badge("5-axis machining") in english and "Usinage 5 axes" not in english
    assert badge("Usinage 5 axes") in visit(client, "/fr/members/")


def test_queries_do_not_mix(client, alpha, org_b):
    assert "Bravo Composites" not in visit(client, q="alpha")
    html = visit(client, q="bravo")
    assert "Bravo Composites" in html and "Alpha Usinage" not in html


def test_equivalent_addresses_share_an_entry_and_unknown_parameters_stay_out(client, db):
    organisations = [make_organisation(f"Org {n:02}") for n in range(30)]
    visit(client, q="org", region="06")
    Organisation.objects.filter(pk=organisations[0].pk).update(legal_name="Org 00 Renamed")

    html = visit(client, f"{DIRECTORY}?region=06&utm_source=mail&kind=&q=org")

    assert "Org 00" in html and "Renamed" not in html  # served from the entry of ?q=org&region=06
    assert 'href="?q=org&amp;region=06&amp;page=2"' in html  # the page links carry the filters alone


def test_the_htmx_search_gets_the_same_results_fragment(client, alpha):
    page = visit(client, q="usinage")
    response = client.get(DIRECTORY, {"q": "usinage"}, headers={"HX-Request": "true"})

    fragment = response.content.decode()
    assert "<html" not in fragment and 'data-testid="result-count"' in fragment
    assert fragment in page


# Every change shows at once -------------------------------------------------------------------------------

def test_an_organisation_update_shows_at_once(client, alpha, staff):
    visit(client)
    with committed():
        organisations.update_organisation(actor=staff, organisation=alpha, data={"trade_name": "Alpha Aéro"})

    assert "Alpha Aéro" in visit(client)


def test_a_new_organisation_shows_at_once(client, alpha, staff):
    visit(client)
    with committed():
        organisations.create_organisation(actor=staff, data={"legal_name": "Charlie Nouvelle", "kind": "sme"})

    assert "Charlie Nouvelle" in visit(client)


def test_an_organisation_leaving_the_directory_goes_at_once(client, alpha, staff):
    visit(client)
    with committed():
        organisations.update_organisation(actor=staff, organisation=alpha, data={"listed_in_directory": False})

    assert "Alpha Usinage" not in visit(client)


def test_a_declared_capability_shows_at_once(client, org_a, capability, staff):
    assert badge("Usinage 5 axes") not in visit(client)
    with committed():
        organisations.set_capability(actor=staff, organisation=org_a, capability=capability, level=CapabilityLevel.CORE)

    assert badge("Usinage 5 axes") in visit(client)


def test_a_removed_capability_goes_at_once(client, alpha, staff):
    assert badge("Usinage 5 axes") in visit(client)
    with committed():
        organisations.remove_capability(actor=staff, item=OrganisationCapability.objects.get(organisation=alpha))

    assert badge("Usinage 5 axes") not in visit(client)


def test_a_certification_is_found_at_once(client, alpha, staff):
    as9100 = CertificationType.objects.get(code="as9100")
    assert "Alpha Usinage" not in visit(client, certification=as9100.pk)
    with committed():
        certification = certifications.save_certification(actor=staff, organisation=alpha,
                                                     data={"certification_type": as9100})
    assert "Alpha Usinage" in visit(client, certification=as9100.pk)

    with committed():
        certifications.remove_certification(actor=staff, certification=certification)
    assert "Alpha Usinage" not in visit(client, certification=as9100.pk)


def test_a_taxonomy_edit_shows_at_once_on_cards_filters_and_search(client, alpha, capability, staff):
    visit(client)
    visit(client, q="tournage")
    with committed():
        taxonomy.save_capability_node(actor=staff, capability=capability,
                                      data={"label_fr": "Tournage 5 axes"})

    html = visit(client)
    assert badge("Tournage 5 axes") in html and "Usinage › Tournage 5 axes</option>" in html
    assert "Alpha Usinage" in visit(client, q="tournage")


def test_a_loaded_taxonomy_shows_at_once(client, alpha, staff):
    visit(client)
    with committed():
        taxonomy.load_taxonomy([{"code": "machining", "fr": "Usinage", "en": "Machining", "children": [
            {"code": "machining-5-axis", "fr": "Fraisage 5 axes", "en": "5-axis milling"}]}], actor=staff)

    assert badge("Fraisage 5 axes") in visit(client)


def import_delta(staff, settings, tmp_path):
    """Import a file of one new organisation, Delta Importée inc., as the import pages would."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    csv = "Raison sociale;Type;Ville;Région\nDelta Importée inc.;PME;Laval;13\n"
    with translation.override("en"):
        with committed():
            job = imports.create_import_job(actor=staff, kind="organisations", language="en",
                                            uploaded_file=SimpleUploadedFile("membres.csv", csv.encode()))
        job.refresh_from_db()
        with committed():
            # New organisations are unlisted prospects unless staff say otherwise: this one is a listed member.
            imports.start_check(actor=staff, job=job, mapping=job.mapping, language="en",
                                choices={"new_membership_status": "active", "new_listed_in_directory": True})
        with committed():
            imports.start_commit(actor=staff, job=job, language="en")
    return job


def test_an_import_shows_at_once(client, alpha, staff, settings, tmp_path):
    visit(client)
    import_delta(staff, settings, tmp_path)

    assert "Delta Importée inc." in visit(client)


def test_an_undone_import_leaves_the_directory_at_once(client, alpha, staff, settings, tmp_path):
    job = import_delta(staff, settings, tmp_path)
    assert "Delta Importée inc." in visit(client)

    with committed():
        imports.undo_import(actor=staff, job=job)

    assert "Delta Importée inc." not in visit(client)


def test_a_back_office_edit_of_the_taxonomy_shows_at_once(client, alpha, capability, staff):
    visit(client)
    client.force_login(staff)
    url = reverse("admin:members_capability_change", args=[capability.pk])
    data = {"parent": capability.parent_id, "code": capability.code, "label_fr": "Fraisage cinq axes",
            "label_en": capability.label_en, "synonyms_fr": "", "synonyms_en": "", "is_active": "on",
            "position": 0}
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302
    client.logout()

    assert badge("Fraisage cinq axes") in visit(client)


# The version ----------------------------------------------------------------------------------------------

def test_the_version_moves_when_the_change_commits_not_before(alpha, staff):
    before = directory_version()
    with committed(), transaction.atomic():
        organisations.update_organisation(actor=staff, organisation=alpha, data={"city": "Laval"})
        assert directory_version() == before  # a reader now would still see the old data

    assert directory_version() == before + 1


def test_a_change_that_rolls_back_keeps_the_version(alpha, staff):
    before = directory_version()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        organisations.update_organisation(actor=staff, organisation=alpha, data={"city": "Laval"})
        raise RuntimeError("the request failed after the write")

    assert directory_version() == before


def test_people_changes_keep_the_listing(alpha, org_admin):
    """People are not in the listing: adding one keeps the cached listing (and its hit rate)."""
    before = directory_version()
    with committed():
        people.save_person(actor=org_admin, organisation=alpha,
                             data={"first_name": "Ann", "last_name": "Roy", "email": "ann@alpha.test"})

    assert directory_version() == before


# The cards and filters, written without the template engine (members.directory_cards, core.forms) ----------------------------------

def test_a_card_escapes_names_descriptions_and_capabilities(client, capability, staff):
    tricky = make_organisation('Usinage <b>"Côté"</b> & Fils', slug="usinage-cote", city="Saint-<Jean>")
    with committed():
        organisations.update_organisation(actor=staff, organisation=tricky,
                                          data={"description_fr": "<script>alert('x')</script> & co"})
        organisations.set_capability(actor=staff, organisation=tricky, capability=capability,
                                     level=CapabilityLevel.CORE)
        taxonomy.save_capability_node(actor=staff, capability=capability, data={"label_fr": "Usinage <5> & 'axes'"})

    html = visit(client, q="usinage")

    assert "<b>" not in html and "<script>" not in html and "<Jean>" not in html
    assert ">Usinage &lt;b&gt;&quot;Côté&quot;&lt;/b&gt; &amp; Fils</a>" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html and "Saint-&lt;Jean&gt;" in html
    assert badge("Usinage &lt;5&gt; &amp; &#x27;axes&#x27;") in html
    assert 'href="/fr/members/o/usinage-cote/"' in html


def test_a_card_shows_six_core_capabilities_in_the_taxonomy_order_and_thirty_words(client, capability, staff):
    organisation = make_organisation("Six Axes", slug="six-axes")
    domain = capability.parent
    labels = [f"Procédé {n:02d}" for n in range(8)]
    for position, label in reversed(list(enumerate(labels))):
        held = Capability.objects.create(parent=domain, code=f"process-{position}", label_fr=label,
                                         label_en=f"Process {position:02d}", position=position + 100)
        OrganisationCapability.objects.create(organisation=organisation, capability=held,
                                              level=CapabilityLevel.CORE)
    Organisation.objects.filter(pk=organisation.pk).update(
        description_fr=" ".join(f"mot{n}" for n in range(40)), size_band="10-49")

    html = visit(client, q="six axes")

    shown = [label for label in labels if badge(label) in html]
    assert shown == labels[:6]
    assert " ".join(f"mot{n}" for n in range(30)) + " …</p>" in html and "mot30" not in html
    assert "PME · Montréal · 10 à 49 employés</p>" in html
    assert "Process 00" in visit(client, "/en/members/", q="six axes")


def test_what_was_typed_comes_back_escaped_in_the_search_box(client, alpha):
    html = visit(client, q='"><script>alert(1)</script> & co')

    assert "<script>alert(1)" not in html
    assert ('name="q" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" placeholder=' in html)
