"""The funder's report: its figures on a small known program, small groups hidden as the aggregation service
hides them, the PDF (tagged) and the workbook in French and English, and the published summaries the observers
read."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_member, make_organisation
from grappe.core.errors import Conflict
from grappe.core.models import AnonymitySetting, AuditEntry
from grappe.listening.tests.test_insights import inflated
from grappe.programs.documents import funder_report
from grappe.programs.models import ApplicationStatus, Commitment, Decision, Outcome
from grappe.programs.report import count, money, program_figures
from grappe.programs.services import reporting

from .factories import make_application, make_call, make_program

K = 3


def _org(name, n, kind, size, region):
    return make_organisation(name, neq=f"{n:010d}", kind=kind, size_band=size, region=region)


def _funded(application, staff, granted, disbursed="0"):
    Decision.objects.create(application=application, outcome=Outcome.FUNDED, amount=Decimal(granted), decided_by=staff)
    Commitment.objects.create(program=application.call.program, application=application, amount=Decimal(granted),
                              disbursed=Decimal(disbursed), committed_by=staff)


@pytest.fixture
def known_program(db, staff):
    """Three SMEs of Montréal (funded) and three tier-1 suppliers of Montérégie (declined) applied to one call; a
    fourth SME only drafted."""
    AnonymitySetting.objects.create(k=K)
    program = make_program(staff, committed=Decimal("150000.50"), disbursed=Decimal("44000.50"))
    call = make_call(program)
    smes = [_org(f"PME {n}", 100 + n, "sme", "10-49", "06") for n in range(4)]
    tier1 = [_org(f"Rang 1 {n}", 200 + n, "tier1", "50-199", "16") for n in range(3)]
    user = make_member(smes[0], "pme@test.test")
    funded = ApplicationStatus.FUNDED
    s1 = make_application(call, smes[0], user, "100000.00", "400000.00", status=funded)
    s2 = make_application(call, smes[1], user, "50000.00", "100000.00", status=funded)
    s3 = make_application(call, smes[2], user, "20000.50", "60000.00", status=funded)
    make_application(call, smes[3], user, "99999.00", "999999.00")  # a draft: not received
    _funded(s1, staff, "80000.00", "24000.00")
    _funded(s2, staff, "50000.00")
    _funded(s3, staff, "20000.50", "20000.50")
    for organisation in tier1:
        declined = make_application(call, organisation, user, "30000.00", "90000.00", status=ApplicationStatus.DECLINED)
        Decision.objects.create(application=declined, outcome=Outcome.DECLINED, decided_by=staff)
    program.refresh_from_db()
    program.s1 = s1
    program.call = call
    return program


def test_the_report_counts_and_sums_the_known_program(known_program):
    total = program_figures(known_program).total
    assert [count(total.received), count(total.eligible), count(total.funded)] == [6, 6, 3]
    assert money(total.requested) == Decimal("260000.50")
    assert money(total.granted) == money(total.committed) == Decimal("150000.50")
    assert money(total.disbursed) == Decimal("44000.50")
    # 560 000 $ of projects for 150 000,50 $ of public money.
    assert total.leverage == Decimal("3.73")


def test_the_report_breaks_the_figures_down_by_member_type_size_region_and_call(known_program):
    with translation.override("en"):
        figures = program_figures(known_program)
    assert [table.name for table in figures.tables] == ["kind", "size", "region", "call"]
    by_kind = {line.label: line for line in figures.tables[0].lines}
    sme, tier1 = by_kind["SME"], by_kind["Tier 1 supplier"]
    assert (count(sme.received), count(sme.funded), money(sme.committed)) == (3, 3, Decimal("150000.50"))
    assert sme.leverage == Decimal("3.73")
    assert (count(tier1.received), count(tier1.eligible), count(tier1.funded)) == (3, 3, 0)
    assert money(tier1.requested) == Decimal("90000.00")
    assert tier1.leverage is None  # nothing granted: no leverage, not a hidden one
    assert [line.label for line in figures.tables[2].lines] == ["Montréal", "Montérégie"]
    (call_line,) = figures.by_call.lines
    assert count(call_line.received) == 6


def test_a_group_of_fewer_than_k_organisations_is_hidden_and_cannot_be_worked_out(known_program, staff):
    university = _org("Université", 300, "university", "1000+", "03")
    make_application(known_program.call, university, staff, status=ApplicationStatus.INELIGIBLE)
    with translation.override("en"):
        kinds = program_figures(known_program).tables[0]
    hidden = next(line for line in kinds.lines if line.label == "University")
    assert hidden.received.suppressed and count(hidden.received) is None and money(hidden.requested) is None
    # The total minus the groups shown would give it: the service hides one more figure.
    others = [line.received for line in kinds.lines if line is not hidden]
    assert kinds.total.received.suppressed or any(cell.suppressed for cell in others)
    book = openpyxl.load_workbook(io.BytesIO(funder_report.render_xlsx(known_program, "en")))
    sheet = book["By member type"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["University"][0] == f"< {K}"


def test_no_difference_of_two_counts_singles_out_an_organisation(known_program, staff):
    """One SME more, found not eligible: received − eligible would say that one SME of Montréal was turned
    down; the counts are one protected table, so either figure is hidden."""
    newcomer = _org("PME refusée", 400, "sme", "10-49", "06")
    make_application(known_program.call, newcomer, staff, status=ApplicationStatus.INELIGIBLE)
    for table in program_figures(known_program).tables:
        for line in [*table.lines, table.total]:
            received, eligible = count(line.received), count(line.eligible)
            assert received is None or eligible is None or received - eligible not in (1, 2), (table.name, line)


def test_the_pdf_is_a_tagged_pdf_in_the_language_chosen(known_program):
    pdf = funder_report.render_pdf(known_program, "en")
    assert pdf.startswith(b"%PDF")
    unpacked = pdf + b"".join(inflated(pdf))
    assert b"/StructTreeRoot" in unpacked and re.search(rb"/Lang\s*\(en\)", unpacked)  # tagged (PDF/UA-1)
    html_en = funder_report.report_html(known_program, "en")
    html_fr = funder_report.report_html(known_program, "fr")
    assert "Funder's report" in html_en and "Executive summary" in html_en and 'lang="en"' in html_en
    assert "Rapport au bailleur de fonds" in html_fr and "<h2>Sommaire</h2>" in html_fr and 'lang="fr"' in html_fr
    assert "260\xa0000,50" in html_fr and "$260,000.50" in html_en


def test_the_workbook_has_its_sheets_and_figures_in_both_languages(known_program):
    english = openpyxl.load_workbook(io.BytesIO(funder_report.render_xlsx(known_program, "en")))
    assert english.sheetnames == ["Summary", "By member type", "By size", "By region", "By call"]
    summary = {row[0]: row[1] for row in english["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Amount requested"] == 260000.5
    assert summary["Leverage ($ per public $)"] in (Decimal("3.73"), 3.73)
    french = openpyxl.load_workbook(io.BytesIO(funder_report.render_xlsx(known_program, "fr")))
    assert french.sheetnames == ["Résumé", "Par type de membre", "Par taille", "Par région", "Par appel"]
    assert french["Résumé"]["A1"].value == "Rapport au bailleur de fonds"


def test_the_download_is_named_in_the_readers_language_and_written_in_the_chosen_one(client, known_program,
                                                                                      staff):
    client.force_login(staff)
    response = client.get(reverse("programs:report-pdf", args=[known_program.pk]) + "?language=en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"rapport-au-bailleur-de-fonds-{known_program.pk}-en.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    response = client.get(reverse("programs:report-xlsx", args=[known_program.pk]))
    assert f"-{known_program.pk}-fr.xlsx" in response["Content-Disposition"]


def test_publishing_a_funded_summary_is_audited_and_shows_it_to_observers(client, known_program, staff,
                                                                       observer):
    reporting.set_summary_published(actor=staff, application=known_program.s1, published=True)
    entry = AuditEntry.objects.get(action="application.summary_published")
    assert entry.actor == staff and entry.before == {"summary_published_at": None}
    client.force_login(observer)
    page = client.get(reverse("programs:published-summaries")).content.decode()
    assert known_program.s1.title in page and "PME 0" in page and "80\xa0000,00" in page
    reporting.set_summary_published(actor=staff, application=known_program.s1, published=False)
    assert known_program.s1.title not in client.get(reverse("programs:published-summaries")).content.decode()
    assert AuditEntry.objects.filter(action="application.summary_withdrawn").count() == 1


def test_only_a_funded_summary_may_be_published(known_program, staff):
    declined = known_program.call.applications.filter(status=ApplicationStatus.DECLINED).first()
    with pytest.raises(Conflict):
        reporting.set_summary_published(actor=staff, application=declined, published=True)
    assert not AuditEntry.objects.filter(action="application.summary_published").exists()


def test_the_observer_reads_the_results_without_the_downloads(client, known_program, observer):
    client.force_login(observer)
    page = client.get(reverse("programs:program-results", args=[known_program.pk])).content.decode()
    assert "260\xa0000,50" in page and "grappe-chart" in page
    assert reverse("programs:report-pdf", args=[known_program.pk]) not in page


def test_every_grouping_shows_the_same_totals(known_program, staff):
    """A total one grouping showed could give away the cells another grouping hid for it: all show the same."""
    university = _org("Université", 300, "university", "1000+", "03")
    make_application(known_program.call, university, staff, status=ApplicationStatus.INELIGIBLE)
    totals = [table.total for table in program_figures(known_program).tables]
    assert all(total == totals[0] for total in totals)
