"""What staff decide in an import: the values of new organisations, how updates treat names and current values,
and probable duplicates — nothing is assumed or created silently, and Grappe's own export imports back as it is."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grappe.conftest import committed, make_organisation
from grappe.core.models import AuditEntry, JobStatus
from grappe.members import demo_data
from grappe.members.models import ImportJob, ImportStatus, ImportStep, Organisation
from grappe.members.services import imports
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

from .test_import import check, commit, import_settings, in_english, organisations_csv, run, upload  # noqa: F401

HEADER = "Raison sociale;NEQ;Ville;Site web"


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def check_with(actor, job: ImportJob, **choices) -> ImportJob:
    with committed():
        imports.start_check(actor=actor, job=job, mapping=job.mapping, language="en", choices=choices)
    job.refresh_from_db()
    return job


def decide(actor, job: ImportJob, answers: dict | None = None, rest: str = "") -> ImportJob:
    with committed():
        imports.decide_duplicates(actor=actor, job=job, answers=answers or {}, rest=rest, language="en")
    job.refresh_from_db()
    return job


def asked(job: ImportJob) -> dict[str, list[str]]:
    return {pair["key"]: pair["reasons"] for pair in job.report["duplicates"]}


# New organisations: staff's values, stated in the dry run ----------------------------------------------

def test_new_organisations_are_unlisted_prospects_of_type_other_and_the_dry_run_says_so(staff):
    job = check(staff, upload(staff, csv("Alpha Usinage;;Laval;", "Bravo Composites;;Lévis;")))

    assert job.report["creation_summary"] == (
        "2 new organisations will be created as: Prospect, type Other, not listed in the public directory.")
    job = commit(staff, job)

    assert job.stage == ImportStatus.DONE
    assert set(Organisation.objects.values_list("membership_status", "kind", "listed_in_directory")) == {
        ("prospect", "other", False)}
    assert job.report["creation_summary"].startswith("2 new organisations were created as: Prospect")


def test_staff_choose_the_values_of_new_organisations_and_a_column_of_the_file_wins(staff):
    content = csv("Alpha Usinage;Ancien membre;PME", "Bravo Composites;;", header="Raison sociale;Statut;Type")
    job = check_with(staff, upload(staff, content), new_membership_status="active", new_kind="research",
                     new_listed_in_directory=True)

    assert job.report["creation_summary"] == (
        "2 new organisations will be created as: Active member (1), Former member (1); type Research centre (1), "
        "type SME (1); listed in the public directory.")
    commit(staff, job)
    created = Organisation.objects.values_list("legal_name", "membership_status", "kind", "listed_in_directory")
    assert set(created) == {("Alpha Usinage", "former", "sme", True), ("Bravo Composites", "active", "research", True)}


def test_the_counts_of_new_organisations_have_a_thousands_separator_in_french(staff):
    job = upload(staff, csv(*[f"Organisation {n};;;" for n in range(1200)]))
    job = check(staff, job, language="fr")

    assert job.report["creation_summary"].startswith("1\xa0200 nouvelles organisations seront créées")


# Names people know, and the update mode --------------------------------------------------------------

def test_a_registry_legal_name_found_by_neq_goes_to_the_legal_name_and_the_usual_name_stays_shown(staff):
    make_organisation("Musée POP", slug="musee-pop", neq="1234567890", city="Trois-Rivières")

    job = run(staff, csv("MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE;1234567890;;"))

    musee = Organisation.objects.get()
    assert (musee.legal_name, musee.trade_name, musee.display_name) == (
        "MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE", "Musée POP", "Musée POP")
    [note] = job.report["names"]
    assert note["message"] == ("“MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE” becomes the legal name; “Musée POP” stays "
                               "the name shown, as the trade name.")
    again = run(staff, csv("MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE;1234567890;;"))
    assert again.report["counts"]["unchanged"] == 1 and again.report["names"] == []


def test_a_name_in_capitals_without_accents_found_by_name_does_not_replace_the_name(staff):
    make_organisation("Club de golf le St-Rémi", slug="golf", city="Saint-Rémi")

    job = run(staff, csv("CLUB DE GOLF LE ST-REMI;;Saint-Rémi-de-Napierville;"))

    club = Organisation.objects.get()
    assert (club.legal_name, club.city) == ("Club de golf le St-Rémi", "Saint-Rémi-de-Napierville")
    assert job.report["names"][0]["message"] == (
        "“Club de golf le St-Rémi” is kept: the file's “CLUB DE GOLF LE ST-REMI” differs only by case or accents.")


def test_a_name_in_capitals_found_by_neq_does_not_replace_the_name_either(staff):
    make_organisation("Musée POP", slug="musee-pop", neq="1234567890")

    run(staff, csv("MUSEE POP;1234567890;;"))

    assert Organisation.objects.get().legal_name == "Musée POP"


def test_fill_empty_fields_only_keeps_every_current_value(staff):
    make_organisation("Alpha Usinage", neq="1111111111", city="Laval")

    job = check_with(staff, upload(staff, csv("Alpha Usinage ltée;1111111111;Montréal;https://alpha.example")),
                     update_mode="fill_empty")
    commit(staff, job)

    alpha = Organisation.objects.get()
    assert (alpha.legal_name, alpha.city, alpha.website) == ("Alpha Usinage", "Laval", "https://alpha.example")
    assert job.report["changes"][0]["fields"] == [["website", "website", "", "https://alpha.example"]]


def test_fill_empty_fields_only_applies_to_people_too(staff, org_a):
    from grappe.members.models import Person

    Person.objects.create(organisation=org_a, first_name="Léa", last_name="Roy", email="lea@alpha.test",
                          title="Directrice")
    content = "Prénom;Nom;Courriel;NEQ;Titre;Téléphone\nLéa;Roy;lea@alpha.test;1111111111;Présidente;514 555 0100\n"

    commit(staff, check_with(staff, upload(staff, content, kind="people"), update_mode="fill_empty"))

    assert Person.objects.values_list("title", "phone").get() == ("Directrice", "514 555 0100")


# Probable duplicates ----------------------------------------------------------------------------------

def test_two_rows_of_similar_names_are_a_question_and_the_import_waits_for_the_answer(staff, client):
    job = check(staff, upload(staff, csv("Sourire mobile;;Trois-Rivières;", "Sourire Mobile Mauricie;;Shawinigan;")))

    assert asked(job) == {"row-2-row-3": ["one name within the other"]}
    assert (job.stage, job.report["duplicates_undecided"]) == (ImportStatus.CHECKED, 1)
    client.force_login(staff)
    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    assert "Decide it before importing" in page and "Import now" not in page
    with committed():
        assert imports.start_commit(actor=staff, job=job, language="en") is False
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(("rows", "reasons"), [
    (("Alpha Usinage;;;https://www.alpha.example", "Groupe Bêta;;;alpha.example/contact"), ["same website"]),
    (("Usinage Précision Laval;;;", "Usinage Precison Laval inc.;;;"), ["nearly the same name"]),
])
def test_each_rule_finds_two_rows_of_the_file_too(staff, rows, reasons):
    job = check(staff, upload(staff, csv(*rows)))

    assert asked(job) == {"row-2-row-3": reasons}


def test_a_commit_reached_with_an_undecided_pair_imports_nothing(staff):
    job = check(staff, upload(staff, csv("Sourire mobile;;;", "Sourire Mobile Mauricie;;;")))
    ImportJob.objects.filter(pk=job.pk).update(step=ImportStep.COMMIT, status=JobStatus.QUEUED)

    job = imports.commit_import(ImportJob.objects.get(pk=job.pk), actor=staff)

    assert job.stage == ImportStatus.INVALID
    assert "1 probable duplicate is not decided yet" in job.report["errors"][0]["message"]
    assert not Organisation.objects.exists()


def test_two_rows_said_to_be_the_same_organisation_import_the_first_only(staff):
    job = check(staff, upload(staff, csv("Sourire mobile;;Trois-Rivières;", "Sourire Mobile Mauricie;;Shawinigan;")))

    job = decide(staff, job, {"row-2-row-3": "same"})

    assert job.report["repeated"] == [{"row": 3, "same_as": 2}]
    assert job.report["counts"]["created"] == 1 and job.report["duplicates_undecided"] == 0
    commit(staff, job)
    assert list(Organisation.objects.values_list("legal_name", flat=True)) == ["Sourire mobile"]


def test_of_two_rows_said_to_be_one_the_row_whose_neq_names_an_organisation_is_kept(staff):
    alpha = make_organisation("Alpha Usinage", neq="1111111111", city="Montréal")
    job = check(staff, upload(staff, csv("Alpha Usinage Mauricie;;Trois-Rivières;",
                                         "Alpha Usinage;1111111111;Laval;")))
    assert "row-2-row-3" in asked(job)

    job = commit(staff, decide(staff, job, {"row-2-row-3": "same"}, rest="different"))

    assert job.report["repeated"] == [{"row": 2, "same_as": 3}]
    alpha.refresh_from_db()
    assert (Organisation.objects.count(), alpha.city) == (1, "Laval")


def test_two_rows_said_to_be_different_are_both_imported(staff):
    job = check(staff, upload(staff, csv("Sourire mobile;;;", "Sourire Mobile Mauricie;;;")))

    job = commit(staff, decide(staff, job, {"row-2-row-3": "different"}))

    assert job.stage == ImportStatus.DONE and Organisation.objects.count() == 2


def test_the_same_name_twice_without_neq_is_a_question_not_an_error(staff):
    job = check(staff, upload(staff, organisations_csv("Alpha;;;;;;;;;", "ALPHA;;;;;;;;;")))

    assert job.report["errors"] == [] and asked(job) == {"row-2-row-3": ["same name"]}
    job = commit(staff, decide(staff, job, rest="different"))
    assert Organisation.objects.count() == 2


def test_all_undecided_pairs_said_to_be_the_same_keep_the_answers_already_given(staff):
    job = check(staff, upload(staff, csv("Alpha;;;", "ALPHA;;;", "Sourire mobile;;;", "Sourire Mobile Mauricie;;;")))
    job = decide(staff, job, {"row-2-row-3": "different"})

    job = commit(staff, decide(staff, job, rest="same"))

    assert ImportJob.objects.get().options["duplicates"] == {"row-2-row-3": "different", "row-4-row-5": "same"}
    assert sorted(Organisation.objects.values_list("legal_name", flat=True)) == ["ALPHA", "Alpha", "Sourire mobile"]


def test_a_row_like_an_organisation_of_the_directory_updates_it_when_staff_say_it_is_the_same(staff, client):
    sourire = make_organisation("Sourire mobile", city="Trois-Rivières")
    job = check(staff, upload(staff, csv("Sourire Mobile Mauricie;;Shawinigan;")))
    key = f"row-2-org-{sourire.pk}"
    assert asked(job) == {key: ["one name within the other"]}
    client.force_login(staff)
    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    assert f'href="{sourire.get_absolute_url()}"' in page and f'name="duplicate:{key}"' in page

    job = commit(staff, decide(staff, job, {key: "same"}))

    sourire.refresh_from_db()
    assert Organisation.objects.count() == 1
    assert (sourire.legal_name, sourire.trade_name, sourire.city) == (
        "Sourire Mobile Mauricie", "Sourire mobile", "Shawinigan")
    assert job.report["counts"]["updated"] == 1


def test_a_row_like_an_organisation_of_the_directory_creates_one_when_staff_say_it_is_different(staff):
    sourire = make_organisation("Sourire mobile")
    job = check(staff, upload(staff, csv("Sourire Mobile Mauricie;;;")))

    commit(staff, decide(staff, job, rest="different"))

    assert Organisation.objects.count() == 2
    assert ImportJob.objects.get().options["duplicates"] == {f"row-2-org-{sourire.pk}": "different"}


def test_a_renamed_row_with_the_website_of_an_organisation_is_a_question(staff):
    alpha = make_organisation("Alpha Usinage", slug="alpha", website="https://www.alpha.example")

    job = check(staff, upload(staff, csv("Groupe Bêta;;;alpha.example/contact")))

    assert asked(job) == {f"row-2-org-{alpha.pk}": ["same website"]}


def test_a_name_within_a_small_edit_distance_of_an_organisation_is_a_question(staff):
    upl = make_organisation("Usinage Précision Laval", slug="upl")

    job = check(staff, upload(staff, csv("Usinage Precison Laval inc.;;;")))

    assert asked(job) == {f"row-2-org-{upl.pk}": ["nearly the same name"]}


def test_a_neq_the_directory_knows_asks_nothing_and_two_rows_with_different_neqs_are_not_asked_about(staff):
    make_organisation("Sourire mobile", neq="1111111111")

    job = check(staff, upload(staff, csv("Sourire Mobile;1111111111;;", "Sourire Mobile;2222222222;;")))

    assert job.report["duplicates"] == [] and job.report["counts"]["created"] == 1


def test_a_name_two_organisations_share_asks_which_one_the_row_is(staff):
    first = make_organisation("Alpha", slug="alpha", city="Laval")
    second = make_organisation("Alpha", slug="alpha-2", city="Lévis")

    job = check(staff, upload(staff, csv("ALPHA;;Montréal;")))

    assert asked(job) == {f"row-2-org-{first.pk}": ["same name"], f"row-2-org-{second.pk}": ["same name"]}
    commit(staff, decide(staff, job, {f"row-2-org-{second.pk}": "same", f"row-2-org-{first.pk}": "different"}))
    assert sorted(Organisation.objects.values_list("slug", "city")) == [("alpha", "Laval"), ("alpha-2", "Montréal")]


def test_the_same_postal_code_and_a_similar_name_is_a_question(staff):
    alpha = make_organisation("Alpha", postal_code="G8T 1A1")
    job = upload(staff, csv("Alpha Usinage;;;G8T1A1", header="Raison sociale;NEQ;Ville;Code postal"))
    job.mapping = {"legal_name": "Raison sociale", "postal_code": "Code postal"}

    job = check(staff, job)

    assert asked(job) == {f"row-2-org-{alpha.pk}": ["same postal code"]}


def test_a_grappe_id_comes_first_but_not_with_the_neq_of_another_organisation(staff):
    alpha = make_organisation("Alpha", slug="alpha", neq="1111111111")
    make_organisation("Bravo", slug="bravo", neq="2222222222")
    header = "Grappe ID;Raison sociale;NEQ"

    job = check(staff, upload(staff, csv("alpha;Alpha renommée;", "bravo;Bravo;1111111111", header=header)))

    assert [(e["row"], e["message"]) for e in job.report["errors"]] == [
        (3, "The NEQ 1111111111 is that of another organisation, “Alpha”.")]
    assert job.report["changes"][0]["label"] == str(alpha) and job.report["duplicates"] == []
    assert job.report["changes"][0]["fields"] == [["legal_name", "legal name", "Alpha", "Alpha renommée"]]


# Grappe's own export imports back as it is --------------------------------------------------------------

@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_demo_directory_exported_imports_back_unchanged(client, staff, file_format):
    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=30, people=60, seed=12, today=datetime.date(2026, 3, 2))
    make_organisation("Usinage Laval", slug="usinage-laval", city="Laval")
    make_organisation("Usinage Laval", slug="usinage-laval-2", city="Mirabel")  # two namesakes, no NEQ
    client.force_login(staff)
    exported = client.get(reverse("members:directory-export") + f"?format={file_format}").content

    job = run(staff, exported, name=f"export.{file_format}")

    assert job.stage == ImportStatus.DONE, job.report["errors"][:3]
    assert job.report["counts"] == {"created": 0, "updated": 0, "unchanged": 32, "error_rows": 0}
    assert job.report["duplicates"] == [] and job.report["names"] == []


# Who may decide ---------------------------------------------------------------------------------------

def post_decision(client, job: ImportJob):
    with committed():
        return client.post(reverse("members:import-detail", args=[job.pk]),
                           {"action": "duplicates", "duplicate:row-2-row-3": "same"})


@pytest.fixture
def undecided(staff):
    return check(staff, upload(staff, csv("Sourire mobile;;;", "Sourire Mobile Mauricie;;;")))


def test_an_anonymous_visitor_cannot_decide_duplicates(client, undecided):
    response = post_decision(client, undecided)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    undecided.refresh_from_db()
    assert undecided.options.get("duplicates", {}) == {}


def test_a_member_cannot_decide_duplicates(client, org_user, undecided):
    client.force_login(org_user)

    assert post_decision(client, undecided).status_code == 403
    undecided.refresh_from_db()
    assert undecided.options.get("duplicates", {}) == {}
    with pytest.raises(PermissionDenied):
        imports.decide_duplicates(actor=org_user, job=undecided, answers={"row-2-row-3": "same"}, language="en")


def test_staff_decide_duplicates_and_the_new_values_through_the_pages(client, staff, undecided):
    client.force_login(staff)

    response = post_decision(client, undecided)

    assert response.status_code == 302
    undecided.refresh_from_db()
    assert undecided.options["duplicates"] == {"row-2-row-3": "same"}
    assert undecided.report["duplicates_undecided"] == 0
    page = client.get(reverse("members:import-detail", args=[undecided.pk])).content.decode()
    assert "Import now" in page and "Rows left out" in page

    with committed():
        client.post(reverse("members:import-detail", args=[undecided.pk]), {
            "action": "check", "legal_name": "Raison sociale", "new_membership_status": "active", "new_kind": "sme",
            "update_mode": "fill_empty"})
    undecided.refresh_from_db()
    assert (undecided.options["new_membership_status"], undecided.options["new_kind"],
            undecided.options["new_listed_in_directory"], undecided.options["update_mode"]) == (
        "active", "sme", False, "fill_empty")
    assert undecided.options["duplicates"] == {"row-2-row-3": "same"}  # a new check keeps the answers


def test_a_member_cannot_choose_the_values_of_new_organisations(client, org_user, staff):
    job = upload(staff, csv("Alpha;;;"))
    client.force_login(org_user)

    with committed():
        response = client.post(reverse("members:import-detail", args=[job.pk]), {
            "action": "check", "legal_name": "Raison sociale", "new_membership_status": "active"})

    assert response.status_code == 403
    job.refresh_from_db()
    assert job.options == {} and job.stage == ImportStatus.UPLOADED


def test_the_mapping_page_offers_the_values_of_new_organisations(client, staff):
    job = upload(staff, csv("Alpha;;;"))
    client.force_login(staff)

    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()

    assert "Membership status of new organisations" in page and "Fill their empty fields only" in page
    assert '<option value="prospect" selected>' in page


def test_a_file_of_people_offers_the_update_mode_only(client, staff):
    job = upload(staff, "Prénom;Nom;Courriel;NEQ\nLéa;Roy;lea@alpha.test;1111111111\n", kind="people")
    client.force_login(staff)

    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()

    assert "People already in Grappe" in page and "Membership status of new organisations" not in page


def test_an_uploaded_file_name_keeps_its_own(client, staff):
    """The upload's own field names are untouched by the choices (a regression guard for the pages' forms)."""
    client.force_login(staff)
    with committed():
        client.post(reverse("members:import-start"), {
            "kind": "organisations", "form_token": "7f0e6c8e-3c1a-4d1e-9a57-0d6a3c2b9f99",
            "file": SimpleUploadedFile("a.csv", csv("Alpha;;;").encode())})
    assert ImportJob.objects.get().original_name == "a.csv"


def test_all_the_same_answers_only_the_pairs_the_page_showed():
    from django.http import QueryDict

    from grappe.members.forms.imports import duplicate_answers

    posted = QueryDict(mutable=True)
    posted.setlist("shown", ["row-2-org-7", "row-3-org-8"])
    posted.update({"duplicate:row-3-org-8": "different", "rest": "same"})

    assert duplicate_answers(posted) == ({"row-2-org-7": "same", "row-3-org-8": "different"}, "")
    posted["rest"] = "different"
    assert duplicate_answers(posted) == ({"row-3-org-8": "different"}, "different")  # creating is safe for all


def test_the_audit_entry_of_an_import_keeps_the_pairs_staff_said_were_one_organisation(staff):
    make_organisation("Sourire mobile", slug="sourire-mobile")
    job = check(staff, upload(staff, csv("Sourire Mobile Mauricie;;Shawinigan;")))
    (key,) = asked(job)

    commit(staff, decide(staff, job, {key: "same"}))

    entry = AuditEntry.objects.get(action="import.committed")
    assert (entry.after["same_organisation"], entry.after["updated"]) == ([key], 1)
