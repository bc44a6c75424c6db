"""Importing the cluster's spreadsheet: a bad row stops everything and is reported; the fixed file goes in."""

import re

import pytest
from playwright.sync_api import expect

from grappe.conftest import make_organisation, make_staff
from grappe.members.models import ImportKind, MembershipStatus, Organisation, OrganisationKind, neq_validator

from .helpers import in_french, url

pytestmark = pytest.mark.browser

MEMBERS_CSV = """Raison sociale,NEQ,Type,Ville,Région,Site web
Usinage Beauce inc.,1160000001,PME,Saint-Georges,Chaudière-Appalaches,https://usinage-beauce.example
Composites Lévis,{levis_neq},Fournisseur de rang 2,Lévis,Chaudière-Appalaches,
Aéro Sherbrooke,1160000003,Rang 3,Sherbrooke,Estrie,
"""
BAD_NEQ = "116000002"  # nine digits: a NEQ has ten
IMPORTED = ["Usinage Beauce inc.", "Composites Lévis", "Aéro Sherbrooke"]
IMPORTED_NEQS = {"1160000001", "1160000002", "1160000003"}
NEQ_MESSAGE = "“%(value)s” is not a NEQ: a Quebec business number has exactly 10 digits."


@pytest.fixture
def import_settings(settings, tmp_path):
    """The check and the import are background tasks: here they run inside the request, as in the demo.
    Uploaded files go to a scratch folder, not to var/media."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def upload_and_check(page, name: str, content: str) -> None:
    """On the import page: upload a CSV file, keep the suggested columns, say that the new organisations are
    active members listed in the directory (by default they would be unlisted prospects), and ask for the check."""
    page.get_by_label(in_french("The file lists")).select_option(ImportKind.ORGANISATIONS.value)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}])
    page.get_by_role("button", name=in_french("Upload and map the columns")).click()
    # The columns were recognised from their French names: the suggested mapping is right as it stands.
    expect(page.get_by_label(in_french("business number (NEQ)"))).to_have_value("NEQ")
    page.get_by_label(in_french("Membership status of new organisations")).select_option(MembershipStatus.ACTIVE.value)
    page.get_by_label(in_french("List new organisations in the public directory")).check()
    page.get_by_role("button", name=in_french("Check the file (nothing is written)")).click()


def test_a_file_with_a_bad_row_imports_nothing_and_the_fixed_file_imports_everything(
        page, sign_in, import_settings):
    sign_in(make_staff())
    page.goto(url("members:import-start"))

    upload_and_check(page, "membres.csv", MEMBERS_CSV.format(levis_neq=BAD_NEQ))

    expect(page.get_by_role("alert").filter(has_text=in_french("Nothing was imported."))).to_be_visible()
    message = in_french(NEQ_MESSAGE) % {"value": BAD_NEQ}
    group = page.get_by_test_id("error-groups").locator("tbody tr").filter(has_text=message)
    expect(group.locator("td").nth(0)).to_have_text("NEQ")
    expect(group.locator("td").nth(2)).to_have_text(message)
    expect(group.locator("td").nth(3)).to_contain_text("3")  # its row
    assert not Organisation.objects.exists()

    page.get_by_role("link", name=in_french("Upload a corrected file")).click()
    expect(page).to_have_url(re.compile(re.escape(url("members:import-start")) + "$"))
    upload_and_check(page, "membres-corrige.csv", MEMBERS_CSV.format(levis_neq="1160000002"))

    all_valid = in_french(
        "Every row is valid. Nothing has been written yet: here is what the import will do.")
    expect(page.get_by_role("status").filter(has_text=all_valid)).to_be_visible()
    for name in IMPORTED:
        expect(page.locator("main")).to_contain_text(name)
    assert not Organisation.objects.exists()  # a check writes nothing

    page.get_by_role("button", name=in_french("Import now")).first.click()  # at the top and at the bottom

    created = page.locator(".card-body").filter(has_text=in_french("created", context="import count"))
    expect(created.locator(".fs-3")).to_have_text("3")
    assert set(Organisation.objects.values_list("neq", flat=True)) == IMPORTED_NEQS
    page.goto(url("members:directory"))
    cards = page.locator("#directory-results .card-title")
    expect(cards).to_have_count(3)
    for name in IMPORTED:
        expect(cards.filter(has_text=name)).to_be_visible()


def garbled(text: str) -> str:
    """Text as it reads once a UTF-8 file was read as Windows-1252 and saved again as UTF-8."""
    return text.encode().decode("cp1252")


def test_a_messy_file_is_repaired_and_fixed_from_the_report_then_imported(page, sign_in, import_settings):
    sign_in(make_staff())
    page.goto(url("members:import-start"))
    messy = (f"Raison sociale,NEQ,Type,Ville\n{garbled('Atelier Trois-Rivières')},1160000011,Vaisseau,"
             f"{garbled('Trois-Rivières')}\nUsinage Nord,1160000012,Vaisseau,NA\nOutils Sud,1160000013,—,Granby\n")

    upload_and_check(page, "membres.csv", messy)

    expect(page.get_by_test_id("garbled")).to_contain_text("Trois-Rivières")
    page.get_by_role("button", name=in_french("Repair them and check again")).click()
    expect(page.get_by_test_id("garbled")).to_contain_text(in_french("Keep the text as written and check again"))
    group = page.get_by_test_id("error-groups").locator("tbody tr").filter(has_text="Vaisseau")
    expect(group.locator("td").nth(3)).to_contain_text("2")
    group.get_by_role("combobox").select_option(OrganisationKind.SME.value)
    page.get_by_role("button", name=in_french("Use these values and check again")).click()

    page.get_by_role("button", name=in_french("Import now")).first.click()

    created = page.locator(".card-body").filter(has_text=in_french("created", context="import count"))
    expect(created.locator(".fs-3")).to_have_text("3")
    assert dict(Organisation.objects.values_list("legal_name", "kind")) == {
        "Atelier Trois-Rivières": OrganisationKind.SME, "Usinage Nord": OrganisationKind.SME,
        "Outils Sud": OrganisationKind.OTHER}


def test_staff_undo_an_import_from_its_report_after_a_confirmation(page, sign_in, import_settings):
    sign_in(make_staff())
    page.goto(url("members:import-start"))
    upload_and_check(page, "membres.csv", MEMBERS_CSV.format(levis_neq="1160000002"))
    page.get_by_role("button", name=in_french("Import now")).first.click()
    assert Organisation.objects.count() == 3

    page.get_by_role("link", name=in_french("Undo this import")).click()
    confirmation = in_french("Undoing puts the data back as it was before this import:")
    expect(page.locator("main")).to_contain_text(confirmation)
    assert Organisation.objects.count() == 3  # the confirmation page changes nothing
    page.get_by_role("button", name=in_french("Undo the import")).click()

    expect(page.locator("main .badge")).to_have_text(in_french("Undone"))
    assert not Organisation.objects.exists()
    page.goto(url("members:import-start"))
    expect(page.locator("table tbody tr").first).to_contain_text(in_french("Undone"))


def test_staff_answer_a_probable_duplicate_and_the_row_updates_the_organisation_it_is(
        page, sign_in, import_settings):
    sourire = make_organisation("Sourire mobile", slug="sourire-mobile", city="Trois-Rivières")
    sign_in(make_staff())
    page.goto(url("members:import-start"))
    upload_and_check(page, "registre.csv", "Raison sociale,NEQ,Ville\nSourire Mobile Mauricie,,Shawinigan\n")

    expect(page.get_by_role("heading", name=in_french("Probable duplicates"))).to_be_visible()
    expect(page.get_by_role("button", name=in_french("Import now"))).to_have_count(0)
    page.get_by_role("radio", name=in_french("Same organisation")).check()
    page.get_by_role("button", name=in_french("Save the decisions and check again")).click()

    page.get_by_role("button", name=in_french("Import now")).first.click()
    updated = page.locator(".card-body").filter(has_text=in_french("updated", context="import count"))
    expect(updated.locator(".fs-3")).to_have_text("1")
    sourire.refresh_from_db()
    assert (Organisation.objects.count(), sourire.legal_name, sourire.trade_name, sourire.city) == (
        1, "Sourire Mobile Mauricie", "Sourire mobile", "Shawinigan")


def test_a_staff_member_imports_a_messy_file_resolves_its_duplicates_imports_and_undoes(
        page, sign_in, import_settings):
    """The whole journey of the issue: a file saved in the wrong encoding, with "NA" cells, a type nobody
    recognises, a registry name in capitals for an organisation Grappe knows and a near-duplicate without NEQ;
    staff repair, fix, answer, import, then undo, and Grappe is as it was."""
    musee = make_organisation("Musée POP", slug="musee-pop", neq="1140000001", city="Trois-Rivières")
    sourire = make_organisation("Sourire mobile", slug="sourire-mobile", city="Trois-Rivières")
    before = sorted(Organisation.objects.values_list("slug", "legal_name", "trade_name", "city"))
    messy = ("Raison sociale,NEQ,Type,Ville\n"
             "MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE,1140000001,NA,NA\n"
             "Sourire Mobile Mauricie,,Vaisseau,Shawinigan\n"
             f"{garbled('Atelier Bécancour')},1160000021,PME,{garbled('Bécancour')}\n")
    sign_in(make_staff())
    page.goto(url("members:import-start"))

    upload_and_check(page, "registre.csv", messy)

    page.get_by_role("button", name=in_french("Repair them and check again")).click()
    group = page.get_by_test_id("error-groups").locator("tbody tr").filter(has_text="Vaisseau")
    group.get_by_role("combobox").select_option(OrganisationKind.MRO.value)
    page.get_by_role("button", name=in_french("Use these values and check again")).click()
    expect(page.get_by_role("button", name=in_french("Import now"))).to_have_count(0)  # a question is open
    page.get_by_role("radio", name=in_french("Same organisation")).check()
    page.get_by_role("button", name=in_french("Save the decisions and check again")).click()
    page.get_by_role("button", name=in_french("Import now")).first.click()

    expect(page.locator("main .badge")).to_have_text(in_french("Imported"))
    musee.refresh_from_db()
    sourire.refresh_from_db()
    assert (musee.legal_name, musee.display_name, musee.city) == (
        "MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE", "Musée POP", "Trois-Rivières")  # "NA" changed nothing
    assert (sourire.legal_name, sourire.display_name, sourire.kind, sourire.city) == (
        "Sourire Mobile Mauricie", "Sourire mobile", OrganisationKind.MRO, "Shawinigan")
    atelier = Organisation.objects.get(neq="1160000021")
    assert (atelier.legal_name, atelier.city) == ("Atelier Bécancour", "Bécancour")

    page.get_by_role("link", name=in_french("Undo this import")).click()
    page.get_by_role("button", name=in_french("Undo the import")).click()

    expect(page.locator("main .badge")).to_have_text(in_french("Undone"))
    assert sorted(Organisation.objects.values_list("slug", "legal_name", "trade_name", "city")) == before
