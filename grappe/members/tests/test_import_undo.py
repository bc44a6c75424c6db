"""Undoing an import from its report: what it updated gets its values back, what it created goes, unless
something changed since."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from grappe.conftest import committed, make_organisation, run_together
from grappe.core.models import AuditEntry
from grappe.members.models import (
    Capability,
    ImportJob,
    ImportStatus,
    Organisation,
    OrganisationCapability,
    Person,
    User,
)
from grappe.members.services import imports

from .test_import import (  # noqa: F401 — import_settings and in_english are fixtures in use
    check,
    commit,
    import_settings,
    in_english,
    organisations_csv,
    run,
    upload,
)

ALPHA_UPDATED = "Alpha Usinage;;1111111111;PME;;Laval;13;https://alpha.example;;"
NEW_FORGE = "Nouvelle Forge;;;PME;;Sherbrooke;05;;;"


@pytest.fixture
def imported(staff, org_a):
    """Alpha Usinage (Montréal, no website), then an import that moves it to Laval and creates Nouvelle Forge."""
    alpha = org_a
    job = run(staff, organisations_csv(ALPHA_UPDATED, NEW_FORGE))
    assert job.stage == ImportStatus.DONE, job.report
    return alpha, job


def undo(actor, job: ImportJob) -> bool:
    with committed():
        return imports.undo_import(actor=actor, job=ImportJob.objects.get(pk=job.pk))


def refusal(actor, job: ImportJob) -> str:
    with pytest.raises(ValidationError) as refused:
        undo(actor, job)
    return " ".join(refused.value.messages)


def test_undo_gives_updated_rows_their_values_back_and_deletes_the_created_ones(staff, imported):
    alpha, job = imported
    assert job.report["undo"]["updated"] == [
        {"id": alpha.pk, "fields": {"city": ["Montréal", "Laval"], "region": ["06", "13"],
                                    "website": ["", "https://alpha.example"],
                                    "mrc": ["", "Laval"]}}]  # derived from the new city

    assert undo(staff, job) is True

    alpha.refresh_from_db()
    assert (alpha.city, alpha.region, alpha.website) == ("Montréal", "06", "")
    assert "montreal" in alpha.search_text and "laval" not in alpha.search_text
    assert list(Organisation.objects.values_list("legal_name", flat=True)) == ["Alpha Usinage"]
    job.refresh_from_db()
    assert job.stage == ImportStatus.UNDONE and job.undone_by == staff
    entry = AuditEntry.objects.get(action="import.undone")
    assert (entry.actor, entry.target_id, entry.after["deleted"], entry.after["restored"]) == (
        staff, str(job.pk), 1, 1)


def test_an_import_is_undone_once_even_if_asked_twice(staff, imported):
    _alpha, job = imported

    assert undo(staff, job) is True
    assert undo(staff, job) is False

    assert AuditEntry.objects.filter(action="import.undone").count() == 1


def test_undo_is_refused_after_a_later_edit_and_names_the_record(staff, imported):
    alpha, job = imported
    alpha.refresh_from_db()
    alpha.phone = "819 555-0101"
    alpha.save()  # a member edits the profile after the import

    message = refusal(staff, job)

    assert "changed since the import" in message and "Alpha Usinage" in message
    assert Organisation.objects.filter(legal_name="Nouvelle Forge").exists()  # nothing was undone
    assert Organisation.objects.get(pk=alpha.pk).city == "Laval"
    assert ImportJob.objects.get(pk=job.pk).stage == ImportStatus.DONE
    assert not AuditEntry.objects.filter(action="import.undone").exists()


def test_a_field_overwritten_by_a_later_import_blocks_the_undo(staff, imported):
    alpha, job = imported
    Organisation.objects.filter(pk=alpha.pk).update(city="Gatineau")  # written without touching updated_at

    assert "Alpha Usinage" in refusal(staff, job)


def test_undo_is_refused_when_a_created_organisation_got_a_person(staff, imported):
    _alpha, job = imported
    forge = Organisation.objects.get(legal_name="Nouvelle Forge")
    Person.objects.create(organisation=forge, first_name="Jo", last_name="Roy", email="jo@forge.test")

    message = refusal(staff, job)

    assert "people were added" in message and "Nouvelle Forge" in message
    assert Person.objects.filter(organisation=forge).exists()


def test_a_capability_declared_since_is_not_deleted_with_its_organisation(staff, imported):
    _alpha, job = imported
    forge = Organisation.objects.get(legal_name="Nouvelle Forge")
    domain = Capability.objects.create(code="m", label_fr="Usinage", label_en="Machining")
    OrganisationCapability.objects.create(organisation=forge, capability=domain)  # on delete: CASCADE

    assert "Nouvelle Forge" in refusal(staff, job)
    assert OrganisationCapability.objects.filter(organisation=forge).exists()


def test_only_staff_may_undo(staff, imported, org_user):
    _alpha, job = imported

    with pytest.raises(PermissionDenied):
        imports.undo_import(actor=org_user, job=job)

    assert Organisation.objects.filter(legal_name="Nouvelle Forge").exists()


def test_an_import_without_an_undo_record_cannot_be_undone(staff):
    job = ImportJob.objects.create(kind="organisations", original_name="ancien.csv", owner=staff, status="done",
                                   step="commit", report={"counts": {}})

    assert "Only an import that was completed" in refusal(staff, job)


# People ---------------------------------------------------------------------------------------------

PEOPLE_HEADER = "Prénom;Nom;Courriel;NEQ;Titre;Contact principal"


def test_undoing_a_people_import_deletes_the_new_people_and_gives_back_the_primary_contact(staff, org_a):
    lea = Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                                title="Directrice", is_primary_contact=True)
    content = (f"{PEOPLE_HEADER}\nLéa;Roy;lea@alpha.test;1111111111;Présidente;non\n"
               "Jo;Roy;jo@alpha.test;1111111111;Acheteur;oui\n")
    job = run(staff, content, kind="people")
    assert Person.objects.get(email="jo@alpha.test").is_primary_contact

    assert undo(staff, job) is True

    lea.refresh_from_db()
    assert (lea.title, lea.is_primary_contact) == ("Directrice", True)
    assert list(Person.objects.values_list("email", flat=True)) == ["lea@alpha.test"]


def test_a_person_created_by_the_import_who_has_an_account_since_is_kept(staff, org_a):
    lea = Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                                is_primary_contact=True)
    job = run(staff, f"{PEOPLE_HEADER}\nJo;Roy;jo@alpha.test;1111111111;Acheteur;oui\n", kind="people")
    jo = Person.objects.get(email="jo@alpha.test")
    jo.user = User.objects.create_user("jo@alpha.test", "x")
    jo.save()

    assert undo(staff, job) is True

    assert Person.objects.filter(pk=jo.pk, is_primary_contact=True).exists()  # still the primary contact
    lea.refresh_from_db()
    assert not lea.is_primary_contact
    assert AuditEntry.objects.get(action="import.undone").after["kept"] == [jo.pk]


def test_a_person_restored_beside_a_kept_primary_contact_gets_all_else_back(staff, org_a):
    lea = Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                                title="Directrice", is_primary_contact=True)
    job = run(staff, f"{PEOPLE_HEADER}\nLéa;Roy;lea@alpha.test;1111111111;Présidente;non\n"
                     "Jo;Roy;jo@alpha.test;1111111111;Acheteur;oui\n", kind="people")
    jo = Person.objects.get(email="jo@alpha.test")
    jo.user = User.objects.create_user("jo@alpha.test", "x")
    jo.save()

    assert undo(staff, job) is True

    lea.refresh_from_db()
    assert (lea.title, lea.is_primary_contact) == ("Directrice", False)  # Jo, kept, stays the primary contact
    assert Person.objects.get(pk=jo.pk).is_primary_contact


def test_a_person_the_import_moved_goes_back_to_their_organisation(client, staff, org_a, org_b):
    lea = Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test")
    job = run(staff, f"{PEOPLE_HEADER}\nLéa;Roy;lea@alpha.test;2222222222;;\nJo;Roy;jo@bravo.test;2222222222;;\n",
              kind="people")
    client.force_login(staff)

    page = client.get(reverse("members:import-undo", args=[job.pk])).content.decode()
    assert "1 person created by the import will be deleted" in page
    assert "1 person will get back the values they had before" in page
    assert undo(staff, job) is True

    lea.refresh_from_db()
    assert lea.organisation == org_a
    assert not Person.objects.filter(email="jo@bravo.test").exists()


def test_an_import_that_skipped_rows_with_errors_can_be_undone(staff, org_a):
    """Rows found wrong after they were matched (two primary contacts for one organisation) are left out of the
    import, and so out of what undoing it restores."""
    for first_name in ("Léa", "Marc"):
        Person.objects.create(organisation=org_a, first_name=first_name, last_name="Roy", title="Directeur",
                              email=f"{first_name.lower().replace('é', 'e')}@alpha.test")
    job = upload(staff, f"{PEOPLE_HEADER}\nLéa;Roy;lea@alpha.test;1111111111;Présidente;oui\n"
                        "Marc;Roy;marc@alpha.test;1111111111;Président;oui\n"
                        "Jo;Roy;jo@alpha.test;1111111111;Acheteur;non\n", kind="people")
    assert check(staff, job).report["counts"]["error_rows"] == 2
    with committed():
        imports.choose_options(actor=staff, job=job, language="en", skip_invalid_rows=True)
    job = commit(staff, ImportJob.objects.get(pk=job.pk))
    assert job.report["counts"]["created"] == 1 and job.report["undo"]["updated"] == []

    assert undo(staff, job) is True

    assert sorted(Person.objects.values_list("email", "title")) == [
        ("lea@alpha.test", "Directeur"), ("marc@alpha.test", "Directeur")]


def test_a_person_edited_since_blocks_the_undo_of_a_people_import(staff, org_a):
    job = run(staff, f"{PEOPLE_HEADER}\nJo;Roy;jo@alpha.test;1111111111;Acheteur;non\n", kind="people")
    jo = Person.objects.get(email="jo@alpha.test")
    jo.phone = "514 555-0100"
    jo.save()

    assert "Jo Roy <jo@alpha.test>" in refusal(staff, job)
    assert Person.objects.filter(pk=jo.pk).exists()


# The pages ------------------------------------------------------------------------------------------

def test_staff_undo_an_import_from_its_report_after_a_confirmation(client, staff, imported):
    _alpha, job = imported
    client.force_login(staff)
    detail = reverse("members:import-detail", args=[job.pk])
    page = client.get(detail).content.decode()
    assert "Undo this import" in page

    confirmation = client.get(reverse("members:import-undo", args=[job.pk])).content.decode()
    assert "1 organisation created by the import will be deleted" in confirmation
    assert "1 organisation will get back the values it had before" in confirmation
    assert Organisation.objects.count() == 2  # asking changes nothing

    with committed():
        response = client.post(reverse("members:import-undo", args=[job.pk]))
    assert response["Location"] == detail
    assert Organisation.objects.count() == 1
    page = client.get(detail).content.decode()
    assert "undone on" in page and "Undo this import" not in page
    assert "Undone" in client.get(reverse("members:import-start")).content.decode()


def test_a_refused_undo_says_why_on_the_confirmation_page(client, staff, imported):
    alpha, job = imported
    alpha.save()
    client.force_login(staff)

    page = client.get(reverse("members:import-undo", args=[job.pk])).content.decode()

    assert "This import cannot be undone" in page and "Alpha Usinage" in page
    assert "Undo the import</button>" not in page
    with committed():
        response = client.post(reverse("members:import-undo", args=[job.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:import-undo", args=[job.pk])
    assert Organisation.objects.filter(legal_name="Nouvelle Forge").exists()
    assert not AuditEntry.objects.filter(action="import.undone").exists()


def test_the_undo_pages_speak_french(client, staff, imported):
    _alpha, job = imported
    client.force_login(staff)

    with translation.override("fr"):
        page = client.get(reverse("members:import-undo", args=[job.pk]), headers={"Accept-Language": "fr"})
        text = page.content.decode()
        assert "Annuler cette importation" in text
        assert "1 organisation créée par l'importation sera supprimée" in text
        alpha = Organisation.objects.get(legal_name="Alpha Usinage")
        alpha.save()
        assert "modifiées depuis l'importation" in refusal(staff, job)


# Two clicks at once (PostgreSQL) ---------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_undos_of_one_import_undo_it_once(staff):
    make_organisation("Alpha Usinage", neq="1111111111")
    rows = [f"Organisation {n};;;PME;;Laval;13;;;" for n in range(200)]
    job = run(staff, organisations_csv(ALPHA_UPDATED, *rows))
    assert job.stage == ImportStatus.DONE, job.report
    def click():
        return imports.undo_import(actor=staff, job=ImportJob.objects.get(pk=job.pk))

    outcomes = run_together(click, click)

    assert sorted(outcomes) == [False, True]
    assert list(Organisation.objects.values_list("legal_name", "city")) == [("Alpha Usinage", "Montréal")]
    assert AuditEntry.objects.filter(action="import.undone").count() == 1
    assert ImportJob.objects.get(pk=job.pk).stage == ImportStatus.UNDONE
