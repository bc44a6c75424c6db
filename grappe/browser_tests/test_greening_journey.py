"""A member's greening, in the browser: the organisation's administrator enters a year's baseline (natural gas in
m³, electricity in kWh used in Quebec), reads the emissions computed in kg CO2e with the factors' references,
reports the baseline, makes a reduction commitment, then opens the cluster's progress page, whose figures add up
enough reporting organisations (the anonymity threshold k). Another member never reads that organisation's
baseline."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation
from grappe.core.models import AnonymitySetting
from grappe.greening.models import Baseline, BaselineStatus, Commitment, CommitmentKind, EmissionFactor
from grappe.greening.services import factors
from grappe.greening.tests.factories import baseline
from grappe.members.models import OrgRole

from .conftest import TIMEOUT_MS
from .helpers import in_french, url

pytestmark = pytest.mark.browser

K = 5
YEAR = 2024
GAS_M3, ELECTRICITY_KWH = Decimal(40_000), Decimal(300_000)


@pytest.fixture
def cluster(transactional_db):
    AnonymitySetting.objects.update_or_create(pk=1, defaults={"k": K})
    factor_set, _created = factors.load_file()
    alpha = make_organisation("Alpha Usinage", neq="1111111111")
    admin = make_member(alpha, "admin@alpha.test", OrgRole.ADMIN)
    bravo = make_organisation("Bravo Composites", neq="2222222222")
    other = make_member(bravo, "admin@bravo.test", OrgRole.ADMIN)
    baseline(bravo, YEAR, 250_000, 40_000, employees=40)
    for number in range(K):  # with Alpha, more reporting organisations than k
        member = make_organisation(f"Membre {number}", neq=f"90000000{number:02d}")
        baseline(member, YEAR, 100_000 + 10_000 * number, 20_000, employees=20 + number)
    return factor_set, admin, other


def test_a_member_enters_a_baseline_commits_and_reads_the_cluster_progress(page, sign_in, browser, live_server,
                                                                          cluster):
    factor_set, admin, other = cluster
    gas = EmissionFactor.objects.get(factor_set=factor_set, source_kind="natural_gas")
    electricity = EmissionFactor.objects.get(factor_set=factor_set, source_kind="electricity", variant="QC")

    sign_in(admin)
    page.goto(url("greening:my-figures"))
    page.get_by_role("link", name=in_french("Enter a year's baseline")).click()
    page.locator("#id_year").fill(str(YEAR))
    page.locator("#id_employees").fill("20")
    page.locator("[name=lines-0-quantity]").fill("40000")   # natural gas, m³ (the first row)
    page.locator("[name=lines-6-quantity]").fill("300000")  # electricity, kWh, Quebec (its row's province)
    expect(page.locator("[name=lines-6-variant]")).to_have_value("QC")
    page.get_by_role("button", name=in_french("Save the baseline")).click()

    # The emissions computed, line by line, with each factor's reference: the hand computation.
    computed = page.get_by_test_id("computed")
    expect(computed).to_be_visible()
    saved = Baseline.objects.get(organisation=admin.organisation, year=YEAR)
    assert saved.scope1_kg == (GAS_M3 * gas.kg_co2e_per_unit).quantize(saved.scope1_kg)
    assert saved.scope2_kg == (ELECTRICITY_KWH * electricity.kg_co2e_per_unit).quantize(saved.scope2_kg)
    expect(computed).to_contain_text(gas.reference)
    expect(computed).to_contain_text(electricity.reference)
    gas_row = computed.locator("tbody tr").filter(has_text=in_french("Natural gas"))
    expect(gas_row).to_contain_text(f"{GAS_M3 * gas.kg_co2e_per_unit:,.0f}".replace(",", "\u00a0"))
    assert saved.status == BaselineStatus.DRAFT

    # Reported, then a reduction commitment.
    page.get_by_role("link", name=in_french("Back to my figures")).click()
    page.get_by_test_id(f"baseline-{YEAR}").get_by_role("button", name=in_french("Report")).click()
    expect(page.get_by_test_id(f"baseline-{YEAR}")).to_contain_text(str(BaselineStatus.SUBMITTED.label))
    saved.refresh_from_db()
    assert saved.status == BaselineStatus.SUBMITTED
    page.get_by_role("link", name=in_french("Make a commitment")).click()
    page.locator("#id_kind").select_option(CommitmentKind.REDUCTION.value)
    page.locator("#id_target_year").fill("2030")
    page.locator("#id_base_year").fill(str(YEAR))
    page.locator("#id_reduction_percent").fill("30")
    page.locator("main form [type=submit]").last.click()
    commitment = Commitment.objects.get(organisation=admin.organisation)
    assert commitment.kind == CommitmentKind.REDUCTION and commitment.reduction_percent == 30
    expect(page.get_by_test_id(f"commitment-{commitment.pk}")).to_contain_text("2030")

    # The cluster's progress: charts and the year's figures, over enough organisations to show them.
    page.goto(url("greening:progress"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    totals = page.locator("main figure").first.get_by_role("img")
    expect(totals).to_be_visible()
    expect(totals).to_have_accessible_name(re.compile(f"{YEAR} \\d"))  # the chart says the year's total
    year_row = page.locator("table").first.locator("tbody tr").filter(has_text=str(YEAR))
    expect(year_row).to_contain_text(str(K + 2))  # Alpha, Bravo and the K others reported that year
    expect(year_row).not_to_contain_text("< ")

    # Another member's administrator reads their own figures, never Alpha's baseline.
    context = browser.new_context(locale="fr-CA", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    client = Client()
    client.force_login(other)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    stranger = context.new_page()
    response = stranger.goto(url("greening:baseline-edit", YEAR))
    assert "Alpha Usinage" not in stranger.content()
    assert "40000" not in stranger.content() and "40 000" not in stranger.content()
    assert response.status in (200, 404)  # the page of a year is always one's own organisation's
    stranger.goto(url("greening:my-figures"))
    expect(stranger.get_by_role("heading", level=2).first).to_contain_text("Bravo Composites")
    expect(stranger.locator("main")).not_to_contain_text("Alpha Usinage")
    context.close()
