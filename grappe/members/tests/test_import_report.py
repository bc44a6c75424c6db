"""The import's report, as a staff member works from it: messy files, grouped errors and their fixes, garbled
text, the error spreadsheet, the remembered mapping, sample values, skipping invalid rows, French numbers."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from grappe.conftest import committed, make_organisation
from grappe.core.models import AuditEntry
from grappe.members.forms.imports import fix_field_name
from grappe.members.models import ImportJob, ImportStatus, Organisation, OrganisationKind
from grappe.members.services import imports
from grappe.members.services.imports.cells import EMPTY_WORDS, means_empty, repaired
from grappe.members.services.imports.plan import Plan

from .messy_files import write_messy_files
from .test_import import check, commit, import_settings, in_english, organisations_csv, upload  # noqa: F401


def detail_url(job: ImportJob) -> str:
    return reverse("members:import-detail", args=[job.pk])


def post(client, job: ImportJob, data: dict) -> ImportJob:
    """Post to the job's page (its tasks run at once) and return the job as it is then."""
    with committed():
        response = client.post(detail_url(job), data)
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def group_keys(report: dict) -> list[tuple]:
    return sorted((g["column"], g["value"], g["count"]) for g in report["error_groups"])


# The messy files, each with its expected report ----------------------------------------------------------

@pytest.fixture
def messy_folder(tmp_path):
    folder = tmp_path / "messy"
    folder.mkdir()
    return folder, write_messy_files(folder)


@pytest.mark.parametrize("name", ["repertoire-windows-1252.csv", "repertoire-utf8-bom.csv", "repertoire-utf16.txt",
                                  "registre.xlsx", "repertoire-garbled.csv"])
def test_each_messy_file_gives_its_expected_report(staff, messy_folder, name):
    folder, expected = messy_folder
    job = check(staff, upload(staff, (folder / name).read_bytes(), name=name))

    report, wanted = job.report, expected[name]
    assert report["counts"] == wanted.counts
    assert group_keys(report) == sorted(wanted.groups)
    assert report["garbled"]["count"] == wanted.garbled
    labels = {item["row"]: item["label"] for item in report["created"]}
    for row, text in wanted.texts:
        assert labels[row] == text
    assert not Organisation.objects.exists()


def test_a_garbled_file_says_so_and_is_repaired_when_staff_choose_it(client, staff, messy_folder):
    folder, _expected = messy_folder
    job = check(staff, upload(staff, (folder / "repertoire-garbled.csv").read_bytes()))
    client.force_login(staff)

    page = client.get(detail_url(job)).content.decode()
    assert "4 cells look garbled" in page and "Trois-RiviÃ¨res" in page and "→ Trois-Rivières" in page
    assert ["Ville", "Trois-RiviÃ¨res", "Trois-Rivières"] in job.report["garbled"]["examples"]

    job = post(client, job, {"action": "repair_text"})
    assert job.options["repair_text"] is True and job.stage == ImportStatus.CHECKED
    assert {item["label"] for item in job.report["created"]} == {
        "Atelier Trois-Rivières", "Métal Bécancour", "Plain Name Inc."}
    assert "are repaired" in client.get(detail_url(job)).content.decode()

    job = post(client, job, {"action": "commit"})
    assert job.stage == ImportStatus.DONE
    assert set(Organisation.objects.values_list("city", flat=True)) == {"Trois-Rivières", "Bécancour", "Laval"}


def test_text_that_is_only_accented_is_not_garbled():
    for text in ("Trois-Rivières", "Montréal", "Société d'État", "Œuvre ÉLAN", "Ça va — très bien", "naïve"):
        assert repaired(text) is None
    assert repaired("Trois-RiviÃ¨res") == "Trois-Rivières"


# Every error says which value is wrong ----------------------------------------------------------------

def test_every_error_message_quotes_its_value(staff):
    header = "Raison sociale;NEQ;Type;Site web;Courriel;Membre depuis;Répertoire;Nom commercial"
    content = "\n".join([header, f"Alpha;12345;Spaceship;www..bad;not-an-email;31/31/2020;peut-être;{'N' * 250}"])
    job = check(staff, upload(staff, content))

    errors = job.report["errors"]
    assert {e["column"] for e in errors} == {"NEQ", "Type", "Site web", "Courriel", "Membre depuis", "Répertoire",
                                             "Nom commercial"}
    for error in errors:
        assert error["value"][:50] in error["message"], error
    neq = next(e for e in errors if e["column"] == "NEQ")
    assert neq["message"] == "“12345” is not a NEQ: a Quebec business number has exactly 10 digits."


def test_a_membership_ending_before_it_starts_quotes_both_dates(staff):
    job = check(staff, upload(staff, "Raison sociale;Membre depuis;Fin d'adhésion\nAlpha;2024-05-01;2023-12-31\n"))

    [error] = job.report["errors"]
    assert error["message"] == "The membership cannot end on 2023-12-31, before it starts on 2024-05-01."
    assert error["value"] == "2023-12-31"


# Identical errors are grouped; one fix for the group ----------------------------------------------------

def test_identical_errors_are_grouped_with_their_number_of_rows(staff):
    rows = [f"Org {i};;;NA;;;;;;" for i in range(3)] + [f"Org {i};;;Vaisseau;;;;;;" for i in range(3, 8)]
    rows.append("Org 9;;;Fusée;;;;;;")
    job = check(staff, upload(staff, organisations_csv(*rows)))

    groups = job.report["error_groups"]
    assert [(g["column"], g["value"], g["count"]) for g in groups] == [("Type", "Vaisseau", 5), ("Type", "Fusée", 1)]
    assert groups[0]["rows"] == [5, 6, 7, 8, 9]
    assert ["sme", "SME"] in groups[0]["choices"]
    assert job.report["counts"]["error_rows"] == 6


def test_a_fix_chosen_for_a_group_applies_to_its_rows_in_the_check_and_the_import(client, staff):
    rows = [f"Org {i};;;Vaisseau;;;;;;" for i in range(4)] + ["Org 9;;;Fusée;;;;;;", "Org 10;;;PME;;;;;;"]
    job = check(staff, upload(staff, organisations_csv(*rows)))
    client.force_login(staff)
    page = client.get(detail_url(job)).content.decode()
    vaisseau, fusee = (fix_field_name({"field": "kind", "value": value}) for value in ("Vaisseau", "Fusée"))
    assert f'name="{vaisseau}"' in page and f'name="{fusee}"' in page

    job = post(client, job, {"action": "fix_values", vaisseau: "sme", fusee: "__empty__"})

    assert job.options["value_fixes"] == {"kind": {"Vaisseau": "sme", "Fusée": ""}}
    assert job.stage == ImportStatus.CHECKED and job.report["counts"]["created"] == 6
    job = post(client, job, {"action": "commit"})
    kinds = dict(Organisation.objects.values_list("legal_name", "kind"))
    assert kinds["Org 0"] == kinds["Org 3"] == OrganisationKind.SME
    assert kinds["Org 9"] == OrganisationKind.OTHER  # empty: the default of a new organisation


def test_a_yes_or_no_column_with_another_word_offers_yes_or_no(client, staff):
    job = check(staff, upload(staff, "Raison sociale;Répertoire\nAlpha;peut-être\nBeta;peut-être\n"))
    [group] = job.report["error_groups"]
    assert group["count"] == 2 and group["choices"] == [["oui", "Yes"], ["non", "No"]]
    client.force_login(staff)

    job = post(client, job, {"action": "fix_values",
                             fix_field_name({"field": "listed_in_directory", "value": "peut-être"}): "non"})

    assert job.stage == ImportStatus.CHECKED
    post(client, job, {"action": "commit"})
    assert not Organisation.objects.filter(listed_in_directory=True).exists()


def test_a_group_left_as_it_is_keeps_its_errors(client, staff):
    job = check(staff, upload(staff, organisations_csv("Org 1;;;Vaisseau;;;;;;")))
    client.force_login(staff)

    job = post(client, job, {"action": "fix_values", fix_field_name({"field": "kind", "value": "Vaisseau"}): ""})

    assert job.options.get("value_fixes", {}) == {} and job.stage == ImportStatus.INVALID


@pytest.mark.parametrize("word", sorted(EMPTY_WORDS | {"N/A", "N.D.", "S.O.", "Na"}))
def test_what_people_write_for_nothing_is_an_empty_cell(staff, word):
    make_organisation("Alpha", neq="1160000001", kind=OrganisationKind.SME, city="Laval")
    job = check(staff, upload(staff, organisations_csv(f"Alpha;;1160000001;{word};;{word};;{word};{word};{word}")))

    assert means_empty(word)
    assert job.report["errors_total"] == 0 and job.report["counts"]["unchanged"] == 1


def test_a_real_value_that_looks_like_nothing_is_kept():
    assert not means_empty("NAV Canada") and not means_empty("S.O.S. Usinage") and not means_empty("-5")


# The full list of errors, as a spreadsheet ---------------------------------------------------------------

def test_staff_download_every_error_as_a_spreadsheet(client, staff):
    rows = [f"Org {i};;{i:05d};;;;;;;" for i in range(1100)]
    job = check(staff, upload(staff, organisations_csv(*rows)))
    client.force_login(staff)

    page = client.get(detail_url(job)).content.decode()
    assert "The first 200 of 1,100 errors are shown." in page
    assert "The 100 largest of 1,100 groups are shown." in page
    response = client.get(reverse("members:import-errors", args=[job.pk]))

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value", "What is wrong")
    assert len(rows) == 1 + 1100
    assert rows[1] == (2, "NEQ", "00000", "“00000” is not a NEQ: a Quebec business number has exactly 10 digits.")
    assert rows[-1][0] == 1101


def test_only_staff_may_download_the_errors(client, staff, org_user):
    job = check(staff, upload(staff, organisations_csv("Org;;123;;;;;;;")))
    url = reverse("members:import-errors", args=[job.pk])

    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(org_user)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_only_staff_may_change_an_imports_choices(client, staff, org_user):
    job = check(staff, upload(staff, organisations_csv("Org;;123;;;;;;;")))
    client.force_login(org_user)

    assert client.post(detail_url(job), {"action": "skip_invalid_rows"}).status_code == 403

    job.refresh_from_db()
    assert job.options.get("skip_invalid_rows") is not True and job.stage == ImportStatus.INVALID
    with pytest.raises(PermissionDenied):
        imports.choose_options(actor=org_user, job=job, language="en", skip_invalid_rows=True)


# The mapping: remembered for the same columns, with sample values ------------------------------------------

def test_a_file_with_the_same_columns_starts_from_the_last_mapping_and_options(client, staff):
    content = "Nom complet;Catégorie client;Municipalité\nAlpha;Vaisseau;Laval\n"
    first = upload(staff, content)
    assert "legal_name" not in first.mapping  # "Nom complet" is no name we know
    with committed():
        imports.start_check(actor=staff, job=first, mapping={"legal_name": "Nom complet", "kind": "Catégorie client",
                                                             "city": "Municipalité"}, language="en")
    first.refresh_from_db()
    with committed():
        imports.choose_options(actor=staff, job=first, language="en", value_fixes={"kind": {"Vaisseau": "sme"}},
                               skip_invalid_rows=True, repair_text=True)

    second = upload(staff, "Municipalité;Nom complet;Catégorie client\nLévis;Beta;Vaisseau\n", name="mai.csv")

    assert second.mapping == {"legal_name": "Nom complet", "kind": "Catégorie client", "city": "Municipalité"}
    assert second.options["value_fixes"] == {"kind": {"Vaisseau": "sme"}}
    # Skipping rows and repairing text are chosen on each file's own report, never inherited.
    assert (second.options["skip_invalid_rows"], second.options["repair_text"]) == (False, False)
    assert second.mapping_from == first
    client.force_login(staff)
    page = client.get(detail_url(second)).content.decode()
    assert "This file has the same columns as “membres.csv”" in page
    assert check(staff, second).stage == ImportStatus.CHECKED


def test_a_file_with_other_columns_gets_the_guessed_mapping(staff):
    first = check(staff, upload(staff, organisations_csv("Alpha;;;;;;;;;")))
    second = upload(staff, "Raison sociale;Ville\nBeta;Laval\n")

    assert first.mapping_from is None and second.mapping_from is None
    assert second.mapping == {"legal_name": "Raison sociale", "city": "Ville"}


def test_the_mapping_page_shows_the_first_values_of_each_column(client, staff):
    job = upload(staff, organisations_csv("Alpha;;;PME;;Laval;;;;", "Beta;;;NA;;Laval;;;;", "Gamma;;;OEM;;Lévis;;;;",
                                          "Delta;;;PME;;Québec;;;;", "Epsilon;;;;;Gatineau;;;;"))

    assert job.samples["Raison sociale"] == ["Alpha", "Beta", "Gamma"]
    assert job.samples["Type"] == ["PME", "OEM"]
    assert job.samples["Ville"] == ["Laval", "Lévis", "Québec"]
    assert job.samples["NEQ"] == []
    client.force_login(staff)
    page = client.get(detail_url(job)).content.decode()
    assert 'data-testid="column-samples"' in page and ">Lévis</span>" in page


# Import the valid rows, skip the others: only when chosen ---------------------------------------------------

def test_by_default_one_bad_row_stops_the_whole_file(client, staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;;;;;;;;", "Beta;;123;;;;;;;")))

    assert job.stage == ImportStatus.INVALID
    assert commit(staff, job).stage == ImportStatus.INVALID and not Organisation.objects.exists()
    client.force_login(staff)
    assert "Import the valid rows, skip the 1 row with errors" in client.get(detail_url(job)).content.decode()


def test_staff_may_choose_to_import_the_valid_rows_and_skip_the_others(client, staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;;;;;;;;", "Beta;;123;;;;;;;", "Gamma;;;;;;;;;")))
    client.force_login(staff)

    job = post(client, job, {"action": "skip_invalid_rows"})
    assert job.stage == ImportStatus.CHECKED and job.report["counts"]["skipped"] == 1
    page = client.get(detail_url(job)).content.decode()
    assert "1 row with errors will be skipped" in page and "Import now" in page

    job = post(client, job, {"action": "commit"})
    assert job.stage == ImportStatus.DONE
    assert set(Organisation.objects.values_list("legal_name", flat=True)) == {"Alpha", "Gamma"}
    assert job.report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error_rows": 1, "skipped": 1}
    assert AuditEntry.objects.filter(action="import.committed").count() == 1
    assert "rows with errors, skipped" in client.get(detail_url(job)).content.decode()


def test_going_back_to_all_or_nothing(client, staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;;;;;;;;", "Beta;;123;;;;;;;")))
    client.force_login(staff)
    post(client, job, {"action": "skip_invalid_rows"})

    job = post(client, job, {"action": "all_or_nothing"})

    assert job.stage == ImportStatus.INVALID and "skipped" not in job.report["counts"]


def test_a_missing_column_is_not_skipped_even_when_skipping_is_chosen(staff):
    job = upload(staff, "Ville\nLaval\n")
    with committed():
        imports.choose_options(actor=staff, job=job, language="en", skip_invalid_rows=True)
    job.refresh_from_db()

    assert job.stage == ImportStatus.INVALID


def test_skipping_rows_never_gets_round_an_error_of_the_whole_file():
    plan = Plan(kind="organisations", mapping={"neq": "NEQ"})
    plan.error(3, "neq", "bad", "123")
    plan.skip_error_rows()
    assert plan.writable and plan.report("check")["counts"]["skipped"] == 1

    plan.error(None, "", "A question is not answered yet.")

    assert not plan.writable and "skipped" not in plan.report("check")["counts"]
    assert plan.report("check")["skip_invalid_rows"] is False


def test_skipping_is_not_offered_when_no_row_is_valid(client, staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;123;;;;;;;", "Beta;;456;;;;;;;")))
    client.force_login(staff)

    assert 'value="skip_invalid_rows"' not in client.get(detail_url(job)).content.decode()


# The slips: numbers and colons in French, the decision at the top ------------------------------------------

def test_counts_and_row_labels_follow_french_typography(client, staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;;;;;;;;", "Beta;;;;;;;;;")))
    ImportJob.objects.filter(pk=job.pk).update(total=2220)
    client.force_login(staff)

    with translation.override("fr"):
        french = client.get(detail_url(job), headers={"Accept-Language": "fr"}).content.decode()
    english = client.get(detail_url(job)).content.decode()

    assert "2\xa0220 lignes" in french and "ligne 2\xa0: Alpha" in french
    assert "2,220 rows" in english and "row 2: Alpha" in english


def test_the_decision_is_at_the_top_of_the_report_too(client, staff):
    job = check(staff, upload(staff, organisations_csv(*[f"Org {i};;;;;;;;;" for i in range(250)])))
    client.force_login(staff)

    page = client.get(detail_url(job)).content.decode()

    assert page.count('value="commit"') == 2
    assert page.index('value="commit"') < page.index("Organisations that will be created")


def test_the_api_keys_created_heading_has_its_own_context():
    with translation.override("fr"):
        assert translation.pgettext("API key", "Created") == "Créée le"


def test_a_choice_on_a_finished_import_says_that_nothing_was_done(client, staff):
    job = commit(staff, check(staff, upload(staff, organisations_csv("Alpha;;;PME;;Laval;13;;;"))))
    assert job.stage == ImportStatus.DONE
    client.force_login(staff)

    with translation.override("en"):
        response = client.post(detail_url(job), {"action": "skip_invalid_rows"}, follow=True)

    assert "Nothing was done: this import is busy or finished" in response.content.decode()
    job.refresh_from_db()
    assert job.stage == ImportStatus.DONE and not job.options.get("skip_invalid_rows")
