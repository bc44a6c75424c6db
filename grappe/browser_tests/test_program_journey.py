"""A government program from an application to the funder's report, in the browser, each person at their own
step: a member applies with a partner who confirms its shares; the staff screen the application and assign
two evaluators, who each score it on their sheet; the staff read the ranking and the committee's decision
summary (page and PDF), fund it in the bulk form, commit the funds and set the milestones; the lead reports
progress with a claim, the staff approve it (the payment is recorded); the staff download the funder's report
(PDF, XLSX). And the government observer: the program's results and a published summary, never the
application itself."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.core.amounts import format_amount
from grappe.core.models import AnonymitySetting
from grappe.members.models import OrgRole, Role, User
from grappe.programs.models import (Application, ApplicationStatus, Claim, ClaimStatus, Commitment, Criterion,
                                    Decision, Disbursement, Outcome, Score)
from grappe.programs.tests.factories import make_application, make_call, make_program
from grappe.programs.tests.sample_files import PDF

from .helpers import in_french, pick, url

pytestmark = pytest.mark.browser

K = 3  # the anonymity threshold: three funded lead organisations, so the report shows its figures


def cad(amount: str) -> str:
    """An amount as a French reader reads it ("100 000,00 $", with its non-breaking spaces)."""
    return format_amount(Decimal(amount), "fr")


def _already_funded(call, organisation, staff, granted, disbursed="0.00"):
    """An application of the same call funded earlier (decided, committed, partly paid), with its counters."""
    user = make_member(organisation, f"admin@{organisation.slug}.test", OrgRole.ADMIN)
    application = make_application(call, organisation, user, amount=granted, cost="300000.00",
                                   status=ApplicationStatus.FUNDED, title=f"Projet {organisation}")
    decision = Decision.objects.create(application=application, outcome=Outcome.FUNDED,
                                       amount=Decimal(granted), decided_by=staff)
    Commitment.objects.create(program=call.program, application=application, amount=Decimal(granted),
                              disbursed=Decimal(disbursed), committed_by=staff)
    program = call.program
    program.committed += Decimal(granted)
    program.disbursed += Decimal(disbursed)
    program.save(update_fields=["committed", "disbursed"])
    return decision


@pytest.fixture
def cluster(transactional_db, settings, tmp_path):
    """A program whose call (two weighted criteria, a passing score, a business plan required) already funded
    two other SMEs; Alpha will apply with Delta; two evaluators and the programs officer."""
    settings.MEDIA_ROOT = tmp_path
    AnonymitySetting.objects.create(k=K)
    staff = make_staff()
    program = make_program(staff, envelope="1000000.00")
    call = make_call(program, required_documents=["business_plan"], passing_score=Decimal("60.00"),
                     eligible_kinds=["sme"])
    Criterion.objects.create(call=call, name_fr="Innovation", name_en="Innovation", weight=Decimal("2.00"),
                             max_score=10, position=1)
    Criterion.objects.create(call=call, name_fr="Retombées régionales", name_en="Regional benefits",
                             weight=Decimal("1.00"), max_score=10, position=2)
    alpha = make_organisation("Alpha Usinage", neq="1111111111")
    delta = make_organisation("Delta Avionique", neq="4444444444")
    bravo = make_organisation("Bravo Composites", neq="2222222222")
    _already_funded(call, bravo, staff, "80000.00", "24000.00")
    _already_funded(call, make_organisation("Charlie Moulage", neq="3333333333"), staff, "50000.00")
    evaluators = [User.objects.create_user(email, "x", role=Role.EVALUATOR, full_name=name)
                  for email, name in (("gagnon@eval.test", "Louise Gagnon"), ("roy@eval.test", "Marc Roy"))]
    return {"staff": staff, "program": program, "call": call, "evaluators": evaluators,
            "lead": make_member(alpha, "admin@alpha.test", OrgRole.ADMIN),
            "partner": make_member(delta, "admin@delta.test", OrgRole.ADMIN)}


def apply_with_a_partner(page, sign_in, cluster, tmp_path) -> Application:
    """The lead starts its application from the call (amounts written the French way), forms its consortium
    with Delta, attaches its business plan; Delta confirms its shares; the lead submits."""
    lead, partner, call = cluster["lead"], cluster["partner"], cluster["call"]
    sign_in(lead)
    page.goto(url("programs:call-detail", call.pk))
    page.get_by_role("link", name=in_french("Apply"), exact=True).click()
    page.fill("#id_title", "Nacelle composite")
    page.fill("#id_summary", "Une nacelle en composite recyclé, fabriquée au Québec.")
    page.fill("#id_amount_requested", "120 000,00 $")
    page.fill("#id_total_cost", "400 000 $")
    page.get_by_role("button", name=in_french("Save the draft")).click()
    expect(page.get_by_role("heading", name="Nacelle composite")).to_be_visible()
    application = Application.objects.get(call=call, title="Nacelle composite")
    assert application.amount_requested == Decimal("120000.00")

    page.get_by_role("link", name=in_french("Apply as a consortium")).click()
    page.fill("#id_lead-share_of_work", "60")
    page.fill("#id_lead-share_of_budget", "70")
    pick(page, "id_partners-0-organisation", "Delta Avionique")
    page.fill("#id_partners-0-share_of_work", "40")
    page.fill("#id_partners-0-share_of_budget", "30")
    expect(page.locator("#id_partners-0-share_of_work")).to_have_value("40")
    expect(page.locator("#id_partners-0-share_of_budget")).to_have_value("30")
    page.get_by_role("button", name=in_french("Save the consortium")).click()
    expect(page.get_by_role("region", name=in_french("Consortium"))).to_contain_text("Delta Avionique")
    plan = tmp_path / "plan-affaires.pdf"
    plan.write_bytes(PDF)
    page.select_option("#id_kind", "business_plan")
    page.set_input_files("#id_file", str(plan))
    page.get_by_role("button", name=in_french("Attach"), exact=True).click()
    expect(page.locator("#documents")).to_contain_text("plan-affaires.pdf")

    sign_in(partner)
    page.goto(url("core:notifications"))
    page.get_by_role("link", name="Alpha Usinage inclut votre organisation").click()
    expect(page.locator("main")).to_contain_text("Delta Avionique assume 40")
    page.get_by_role("button", name=in_french("Confirm our shares")).click()
    expect(page.locator(".alert-success")).to_be_visible()

    sign_in(lead)
    page.goto(application.get_absolute_url())
    page.get_by_role("button", name=in_french("Submit the application")).click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("Your application is submitted."))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    return application


def screen_and_assign(page, sign_in, cluster, application) -> None:
    """The programs officer reaches the call from the program, screens it from its rules, assigns
    evaluators."""
    sign_in(cluster["staff"])
    page.goto(url("programs:program-detail", cluster["program"].pk))
    page.get_by_role("link", name=cluster["call"].title_fr).click()
    page.get_by_role("button", name="Examiner").click()
    expect(page.locator(".alert-success")).to_contain_text("1 demande examinée")
    row = page.get_by_role("row").filter(has_text="Nacelle composite")
    expect(row).to_contain_text(in_french("Meets the call’s rules."))
    page.get_by_role("button", name=in_french("Assign two evaluators to each eligible application")).click()
    expect(page.locator(".alert-success")).to_contain_text("2 évaluations affectées")
    expect(page.locator("main")).to_contain_text("0 évaluations soumises sur 2")
    assert set(application.assignments.values_list("evaluator__email", flat=True)) == {
        "gagnon@eval.test", "roy@eval.test"}


def score(page, sign_in, evaluator, values, recommendation) -> None:
    """An evaluator opens their evaluations from the menu and submits their score sheet."""
    sign_in(evaluator)
    page.goto("/fr/")
    page.get_by_role("link", name=in_french("My evaluations")).first.click()
    page.get_by_role("link", name="Nacelle composite").click()
    for index, value in enumerate(values):
        page.get_by_label(in_french("Score out of %(max)s") % {"max": 10}).nth(index).fill(value)
        comment = page.get_by_label(in_french("Comment"), exact=True).nth(index)
        comment.fill(f"Commentaire {index + 1} de {evaluator}.")
    page.get_by_label(in_french(recommendation), exact=True).check()
    page.get_by_role("button", name=in_french("Submit my evaluation")).click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("Your scores are submitted. Thank you."))


def test_a_consortium_is_evaluated_funded_paid_and_reported_to_the_funder(page, sign_in, cluster, tmp_path):
    application = apply_with_a_partner(page, sign_in, cluster, tmp_path)
    screen_and_assign(page, sign_in, cluster, application)

    gagnon, roy = cluster["evaluators"]
    score(page, sign_in, gagnon, ["8,5", "7"], "Fund")
    # A score out of range is refused beside its field, and what was typed stays.
    sign_in(roy)
    page.goto(url("programs:my-evaluations"))
    page.get_by_role("link", name="Nacelle composite").click()
    page.get_by_label(in_french("Score out of %(max)s") % {"max": 10}).first.fill("12")
    page.get_by_label(in_french("Comment"), exact=True).first.fill("Très prometteur.")
    page.get_by_role("button", name=in_french("Submit my evaluation")).click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("12")
    expect(page.get_by_label(in_french("Comment"), exact=True).first).to_have_value("Très prometteur.")
    score(page, sign_in, roy, ["6", "9"], "Fund")
    assert Score.objects.filter(assignment__application=application).count() == 4

    # The committee's pages: every evaluator's scores, the summary and its PDF; the decision in the bulk form.
    staff = cluster["staff"]
    sign_in(staff)
    page.goto(url("programs:call-staff", cluster["call"].pk))
    expect(page.locator("main")).to_contain_text("2 évaluations soumises sur 2")
    page.get_by_role("link", name=in_french("Decision summary")).click()
    for name in ("Louise Gagnon", "Marc Roy"):
        expect(page.locator(".decision-summary")).to_contain_text(name)
    expect(page.locator(".decision-summary")).to_contain_text("8,5")
    with page.expect_download() as summary_pdf:
        page.get_by_role("link", name=in_french("Download the PDF")).click()
    assert open(summary_pdf.value.path(), "rb").read(5) == b"%PDF-"

    page.get_by_role("link", name=in_french("Ranking and decisions")).click()
    ranked = page.get_by_role("row").filter(has_text="Nacelle composite")
    expect(ranked).to_contain_text("Louise Gagnon")
    expect(ranked).to_contain_text("Marc Roy")
    ranked.get_by_role("checkbox").check()
    ranked.get_by_label(in_french("amount granted (CAD)")).fill("100 000 $")
    page.get_by_role("button", name=in_french("Record the decisions of the selected applications")).click()
    expect(page.locator(".alert-success")).to_contain_text("1 décision enregistrée")
    assert Decision.objects.get(application=application).amount == Decimal("100000.00")

    # The funds committed (the amount granted proposed), then the milestones.
    page.get_by_role("link", name="Nacelle composite").click()
    expect(page.locator("#id_amount")).to_have_value(cad("100000"))
    page.get_by_role("button", name=in_french("Commit"), exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("The funds are committed."))
    page.get_by_role("link", name=in_french("Set the milestones")).click()
    milestones = (("Prototype", 90, "40 000"), ("Essais en vol", 300, "60 000"))
    for row, (name, days, amount) in enumerate(milestones):
        due_on = timezone.localdate() + datetime.timedelta(days=days)
        page.fill(f"#id_milestones-{row}-name", name)
        page.fill(f"#id_milestones-{row}-due_on", due_on.isoformat())
        page.fill(f"#id_milestones-{row}-amount", amount)
    page.get_by_role("button", name=in_french("Save the milestones")).click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("The milestones are saved."))

    # The lead reports progress at the first milestone and claims its amount; the staff approve and pay.
    sign_in(cluster["lead"])
    page.goto(application.get_absolute_url())
    page.get_by_role("link", name=in_french("Report progress or claim")).first.click()
    page.get_by_label(in_french("progress report")).fill("Le prototype a passé ses essais au sol.")
    page.get_by_label(in_french("amount claimed (CAD)")).fill("40 000,00 $")
    page.get_by_role("button", name=in_french("Send"), exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(
        in_french("Your report and your claim are sent; the cluster's staff will review it."))

    sign_in(staff)
    page.goto(url("programs:program-detail", cluster["program"].pk))
    claim = page.get_by_role("listitem").filter(has_text="Prototype")
    claim.get_by_role("link", name="Nacelle composite").click()
    page.get_by_role("button", name=in_french("Approve and pay")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        in_french("The claim is approved and its payment recorded."))
    expect(page.locator("main")).to_contain_text(f"{cad('100000')} engagés, {cad('40000')} versés")
    assert Claim.objects.get(milestone__commitment__application=application).status == ClaimStatus.APPROVED
    assert Disbursement.objects.get(commitment__application=application).amount == Decimal("40000.00")

    # The funder's report: the staff download it in both formats; its figures include this project.
    page.goto(url("programs:program-detail", cluster["program"].pk))
    page.get_by_role("link", name=in_french("Results and funder's report")).click()
    with page.expect_download() as report_pdf:
        page.get_by_role("button", name=in_french("Download the PDF")).click()
    assert open(report_pdf.value.path(), "rb").read(5) == b"%PDF-"
    assert report_pdf.value.suggested_filename.endswith("-fr.pdf")
    with page.expect_download() as report_xlsx:
        page.get_by_role("button", name=in_french("Download the spreadsheet")).click()
    book = load_workbook(io.BytesIO(open(report_xlsx.value.path(), "rb").read()))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)
               if len(row) > 1 and row[0]}
    assert summary[in_french("Amount granted")] == 230000  # 100 000 $ to this consortium, 130 000 $ before
    assert summary[in_french("Committed")] == 230000
    assert summary[in_french("Disbursed")] == 64000  # 40 000 $ paid on its claim, 24 000 $ before


@pytest.fixture
def funded_program(transactional_db):
    """A program whose call funded three SMEs (enough for the report to show its figures)."""
    AnonymitySetting.objects.create(k=K)
    staff = make_staff()
    call = make_call(make_program(staff))
    decisions = [_already_funded(call, make_organisation(name, neq=neq), staff, granted)
                 for name, neq, granted in (("Alpha Usinage", "1111111111", "100000.00"),
                                            ("Bravo Composites", "2222222222", "80000.00"),
                                            ("Charlie Moulage", "3333333333", "50000.00"))]
    observer = User.objects.create_user("observer@gouv.test", "x", role=Role.OBSERVER)
    return staff, call.program, decisions, observer


def test_the_observer_reads_the_results_and_a_published_summary_never_an_application(
        page, sign_in, funded_program):
    staff, program, (alpha, bravo, _charlie), observer = funded_program
    sign_in(staff)
    page.goto(alpha.application.get_absolute_url())
    page.get_by_role("button", name=in_french("Publish its summary for the government observers")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        in_french("The summary is published for the government observers."))

    sign_in(observer)
    page.goto("/fr/")
    menu = page.get_by_role("navigation", name=in_french("Main menu"))
    menu.get_by_role("link", name=in_french("Program results")).click()
    page.get_by_role("link", name=program.name_fr).click()
    summary = page.locator(".report-summary")
    expect(summary).to_contain_text(cad("230000"))  # granted to the three, through the aggregation service
    expect(page.get_by_role("button", name=in_french("Download the PDF"))).to_have_count(0)
    page.get_by_role("link", name=in_french("Published project summaries")).first.click()
    expect(page.locator("main")).to_contain_text(alpha.application.title)
    expect(page.locator("main")).not_to_contain_text(bravo.application.title)  # funded, not published

    response = page.goto(alpha.application.get_absolute_url())
    assert response.status == 404
    response = page.goto(url("programs:report-xlsx", program.pk))
    assert response.status == 403  # the report's files are the staff's
