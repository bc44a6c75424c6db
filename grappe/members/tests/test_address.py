"""An organisation's postal address: typed in the profile, told from what was typed where it can be, shown to
members and staff but not to the public, and carried by the API, the export and the import."""

import csv
import io
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_organisation
from grappe.members.address import MRC_FILE, derived_address, territories
from grappe.members.models import Organisation
from grappe.members.services import fields, organisations
from grappe.members.tests.test_import import import_settings  # noqa: F401 — files in a temporary folder
from grappe.members.tests.test_import import check, run, upload
from matching.addresses import mrc_keys, place_key

STREET = "1234, rue Armand-Bombardier, bureau 200"
ADDRESS_HEADER = ("Raison sociale;NEQ;Adresse;Ville;Province;Code postal;MRC;Région;Latitude;Longitude;"
                  "Notes;Contact")


@pytest.fixture
def placed_org_a(org_a):
    Organisation.objects.filter(pk=org_a.pk).update(
        street_address=STREET, city="Laval", province="QC", postal_code="H7L 4A8", mrc="Laval", region="13",
        latitude=Decimal("45.570000"), longitude=Decimal("-73.720000"))
    org_a.refresh_from_db()
    return org_a


def post_data(organisation: Organisation, **changes) -> dict:
    """What the organisation form posts when nothing is changed, plus `changes`."""
    data = {name: getattr(organisation, name) for name in fields.ORGANISATION_FIELDS}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["listed_in_directory"] = "on" if organisation.listed_in_directory else ""
    data["form_token"] = str(uuid.uuid4())
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


# The list of MRCs and what can be told from an address ---------------------------------------------

def test_the_list_names_every_region_and_no_spelling_means_two_territories():
    assert {t.region for t in territories().by_mrc.values()} == {f"{n:02}" for n in range(1, 18)}
    with open(MRC_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 100
    by_mrc_key, by_city_key = defaultdict(set), defaultdict(set)
    for row in rows:
        for name in [row["name"], *filter(None, row["aliases"].split(";"))]:
            for key in mrc_keys(name):
                by_mrc_key[key].add(row["name"])
        for city in [*filter(None, row["cities"].split(";")), *([row["name"]] if row["kind"] == "te" else [])]:
            by_city_key[place_key(city)].add(row["name"])
    assert [key for key, names in by_mrc_key.items() if len(names) > 1] == []
    assert [key for key, names in by_city_key.items() if len(names) > 1] == []


@pytest.mark.parametrize(("city", "mrc", "region"), [
    ("Trois-Rivières (Québec)", "Trois-Rivières", "04"), ("TROIS-RIVIERES, QC", "Trois-Rivières", "04"),
    ("Montréal", "Montréal", "06"), ("Laval", "Laval", "13"), ("Longueuil", "Longueuil", "16"),
    ("Boucherville", "Longueuil", "16"), ("Québec", "Québec", "03"), ("Gatineau", "Gatineau", "07"),
    ("Lévis", "Lévis", "12"), ("Sherbrooke", "Sherbrooke", "05"), ("Saguenay", "Saguenay", "02"),
    ("St-Jérôme", "La Rivière-du-Nord", "15"), ("Drummondville", "Drummond", "17"),
])
def test_the_mrc_and_the_region_are_told_from_a_city_of_the_list(city, mrc, region):
    assert derived_address({"city": city}) == {"mrc": mrc, "region": region}


@pytest.mark.parametrize(("mrc", "region"), [("MRC de Drummond", "17"), ("Les Maskoutains", "16"),
                                             ("MRC des Maskoutains", "16"), ("La Haute-Yamaska", "05"),
                                             ("Robert-Cliche", "12"), ("Agglomération de Longueuil", "16")])
def test_the_region_is_told_from_the_mrc(mrc, region):
    assert derived_address({"mrc": mrc, "city": "Ailleurs"}) == {"region": region}


def test_the_province_is_told_from_the_postal_code_and_another_province_is_outside_quebec():
    assert derived_address({"postal_code": "G9A 5H7"}) == {"province": "QC"}
    assert derived_address({"postal_code": "K1P 1J1", "city": "Ottawa"}) == {"province": "ON", "region": "99"}


def test_what_was_typed_is_never_replaced():
    typed = {"postal_code": "K1P 1J1", "province": "QC", "city": "Laval", "mrc": "Mon MRC", "region": "06"}
    assert derived_address(typed) == {}


def test_an_unknown_place_tells_nothing():
    assert derived_address({"city": "Springfield"}) == {}


# The profile form --------------------------------------------------------------------------------

def test_an_admin_types_the_address_and_the_rest_is_told_from_it(client, org_admin, org_a):
    client.force_login(org_admin)
    Organisation.objects.filter(pk=org_a.pk).update(city="", region="")
    org_a.refresh_from_db()

    response = client.post(reverse("members:organisation-edit", args=[org_a.slug]), post_data(
        org_a, street_address=STREET, city="Trois-Rivières (Québec)", postal_code="g9a5h7",
        latitude="46,35", longitude="-72.549"))

    assert response.status_code == 302, response.content.decode()
    org_a.refresh_from_db()
    assert (org_a.street_address, org_a.postal_code, org_a.province, org_a.mrc, org_a.region) == (
        STREET, "G9A 5H7", "QC", "Trois-Rivières", "04")
    assert (org_a.latitude, org_a.longitude) == (Decimal("46.35"), Decimal("-72.549"))


def test_a_region_typed_in_the_form_is_not_replaced_by_the_one_of_the_city(client, org_admin, org_a):
    client.force_login(org_admin)

    client.post(reverse("members:organisation-edit", args=[org_a.slug]),
                post_data(org_a, city="Gatineau", region="06"))

    org_a.refresh_from_db()
    assert (org_a.region, org_a.mrc) == ("06", "Gatineau")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"postal_code": "D1A 1A1"}, "postal_code", "“D1A 1A1” is not a Canadian postal code"),
    ({"postal_code": "H2X"}, "postal_code", "“H2X” is not a Canadian postal code"),
    ({"latitude": "91", "longitude": "-73"}, "latitude", "“91” is out of range"),
    ({"latitude": "45.5", "longitude": "nord"}, "longitude", "“nord” is not a number of degrees"),
    ({"latitude": "45.5"}, "longitude", "Give both the latitude and the longitude, or neither."),
])
def test_a_bad_address_is_refused_and_what_was_typed_is_kept(client, org_admin, org_a, changes, field,
                                                             message):
    client.force_login(org_admin)
    with translation.override("en"):
        response = client.post(reverse("members:organisation-edit", args=[org_a.slug]),
                               post_data(org_a, street_address=STREET, **changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and f"id_{field}_error" in html
    assert "1234, rue Armand-Bombardier, bureau 200" in html
    for value in changes.values():
        assert f'value="{value}"' in html
    org_a.refresh_from_db()
    assert (org_a.street_address, org_a.postal_code, org_a.latitude) == ("", "", None)


def test_the_database_refuses_coordinates_out_of_range_or_alone(org_a):
    for values in ({"latitude": Decimal("91"), "longitude": Decimal("0")},
                   {"latitude": Decimal("0"), "longitude": Decimal("-181")},
                   {"latitude": Decimal("45")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.filter(pk=org_a.pk).update(**values)


def test_the_service_fills_only_empty_fields(staff):
    organisation = organisations.create_organisation(actor=staff, data={
        "legal_name": "Delta Aéro", "kind": "sme", "city": "Longueuil", "postal_code": "J4G 1A1",
        "region": "06"})

    assert (organisation.province, organisation.mrc, organisation.region) == ("QC", "Longueuil", "06")


# Who sees it -------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "observer"])
def test_the_public_sees_the_city_and_region_but_not_the_street_address(client, placed_org_a, who, observer):
    if who == "observer":
        client.force_login(observer)
    html = client.get(placed_org_a.get_absolute_url()).content.decode()

    assert "Laval" in html
    for secret in ("Armand-Bombardier", "H7L 4A8", "45.57", "-73.72"):
        assert secret not in html
    api = client.get(f"/api/organisations/{placed_org_a.slug}").json()
    assert "Armand-Bombardier" not in str(api) and "H7L 4A8" not in str(api)
    assert (api["city"], api["region"]) == ("Laval", "13")


@pytest.mark.parametrize("who", ["other_member", "staff"])
def test_members_and_staff_see_the_postal_address(client, placed_org_a, who, request):
    client.force_login(request.getfixturevalue(who))
    html = client.get(placed_org_a.get_absolute_url()).content.decode()

    assert STREET in html and "H7L 4A8" in html and 'data-testid="address"' in html
    details = client.get(f"/api/organisations/{placed_org_a.slug}").json()["member_details"]
    assert (details["street_address"], details["province"], details["postal_code"], details["mrc"]) == (
        STREET, "QC", "H7L 4A8", "Laval")
    assert (details["latitude"], details["longitude"]) == (45.57, -73.72)


def test_the_api_changes_the_address_with_the_forms_checks(org_admin, placed_org_a):
    client = Client()
    client.force_login(org_admin)
    url = f"/api/organisations/{placed_org_a.slug}"

    bad = client.patch(url, {"postal_code": "Q1A 1A1"}, content_type="application/json")
    good = client.patch(url, {"postal_code": "h7t2p1", "latitude": 45.55, "longitude": -73.75},
                        content_type="application/json")

    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "postal_code"
    assert good.status_code == 200, good.content
    placed_org_a.refresh_from_db()
    assert (placed_org_a.postal_code, placed_org_a.latitude) == ("H7T 2P1", Decimal("45.55"))


# The export and the import -----------------------------------------------------------------------

def test_the_export_has_the_address_and_imports_back_unchanged(client, staff, placed_org_a):
    client.force_login(staff)
    exported = client.get(reverse("members:directory-export") + "?format=csv").content  # in French
    headers, row = list(csv.reader(io.StringIO(exported.decode(), newline="")))
    row = dict(zip(headers, row, strict=True))
    assert (row["Adresse"], row["Province"], row["Code postal"], row["MRC"]) == (
        STREET, "Québec", "H7L 4A8", "Laval")
    assert (Decimal(row["Latitude"]), Decimal(row["Longitude"])) == (Decimal("45.57"), Decimal("-73.72"))

    job = run(staff, exported, name="export.csv")

    assert job.report["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "error_rows": 0}, job.report
    assert job.report["ignored_columns"] == ["Compétences principales"]


def test_every_column_of_the_english_export_but_the_capabilities_is_imported(client, staff, placed_org_a):
    client.force_login(staff)
    with translation.override("en"):
        exported = client.get(reverse("members:directory-export") + "?format=csv").content

    job = run(staff, exported, name="export.csv")

    assert job.report["ignored_columns"] == ["Core capabilities"]
    assert job.report["counts"]["unchanged"] == 1


def address_csv(*rows: str) -> str:
    return "\n".join([ADDRESS_HEADER, *rows]) + "\n"


def test_an_import_fills_the_address_and_lists_the_columns_it_leaves_out(staff):
    job = run(staff, address_csv(
        "Usinage Mauricie;;550, rue des Pionniers;Trois-Rivières (Québec);;g9a 5h7;;;46,35;-72,549;VIP;Léa",
        "Composites Rive-Sud;;12 boul. Industriel;Boucherville;;J4B 5E4;;;;;;",
        "Ottawa Aero;;1 Industrial Avenue;Ottawa;;K1P1J1;;;;;;",
        "Beauce Métal;;;Saint-Georges;QC;;MRC de Beauce-Sartigan;Montérégie;;;;"))

    assert job.report["ignored_columns"] == ["Notes", "Contact"]
    mauricie, rive_sud, ottawa, beauce = (Organisation.objects.get(legal_name=name) for name in (
        "Usinage Mauricie", "Composites Rive-Sud", "Ottawa Aero", "Beauce Métal"))
    assert (mauricie.street_address, mauricie.postal_code, mauricie.province) == (
        "550, rue des Pionniers", "G9A 5H7", "QC")
    assert (mauricie.mrc, mauricie.region) == ("Trois-Rivières", "04")
    assert (mauricie.latitude, mauricie.longitude) == (Decimal("46.35"), Decimal("-72.549"))
    assert (rive_sud.mrc, rive_sud.region) == ("Longueuil", "16")
    assert (ottawa.province, ottawa.region, ottawa.mrc, ottawa.postal_code) == ("ON", "99", "", "K1P 1J1")
    assert (beauce.mrc, beauce.region) == ("Beauce-Sartigan", "16"), "the file's region is kept"


def test_an_import_never_replaces_an_address_typed_in_grappe_with_a_derived_one(staff, placed_org_a):
    Organisation.objects.filter(pk=placed_org_a.pk).update(region="06", mrc="")

    run(staff, address_csv("Alpha Usinage;1111111111;;Sherbrooke;;J1H 1A1;;;;;;"))

    placed_org_a.refresh_from_db()
    assert (placed_org_a.city, placed_org_a.postal_code) == ("Sherbrooke", "J1H 1A1")
    assert (placed_org_a.region, placed_org_a.mrc) == ("06", "Sherbrooke"), "region kept, empty MRC filled"


@pytest.mark.parametrize(("cells", "message"), [
    (";;;;;H2X;;;;", "“H2X” is not a Canadian postal code"),
    (";;;;;;;;45.5;", "Give both the latitude and the longitude, or neither."),
    (";;;;;;;;45.5;est", "“est” is not a number of degrees"),
    (";;;;Ontarib;;;;;", "“Ontarib” is not an accepted value"),
])
def test_a_bad_address_cell_is_reported_with_its_value(staff, cells, message):
    job = check(staff, upload(staff, address_csv(f"Alpha{cells};;")))

    assert message in job.report["errors"][0]["message"], job.report["errors"]


def test_the_mapping_page_says_which_columns_stay_unused(client, staff):
    client.force_login(staff)
    job = upload(staff, address_csv("Alpha;;;;;;;;;;;"))

    with translation.override("en"):
        html = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()

    assert "no field uses (they will not be imported): Notes, Contact." in html


def test_the_demo_directory_with_its_addresses_exports_and_imports_back_unchanged(client, staff):
    from grappe.members import demo_data
    from grappe.members.services.taxonomy import load_taxonomy
    from grappe.members.taxonomy_file import read_taxonomy

    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=40, people=60, seed=5)
    assert not Organisation.objects.filter(postal_code="").exists()
    assert not Organisation.objects.filter(mrc="").exclude(province="ON").exists()
    client.force_login(staff)

    job = run(staff, client.get(reverse("members:directory-export") + "?format=csv").content, name="export.csv")

    assert job.report["counts"]["unchanged"] == 40, job.report.get("changes") or job.report["errors"][:5]
