"""`manage.py generate_demo`: the demo cluster, its sign-ins and the other capabilities' activity."""

from io import StringIO

from django.core.management import call_command

from grappe.members import demo_data
from grappe.members.models import Organisation, Person, Role, User


def test_the_command_creates_the_demo_sign_ins_and_running_it_again_duplicates_nothing(db):
    out = StringIO()
    call_command("generate_demo", organisations=30, people=100, stdout=out)
    counts = (Organisation.objects.count(), Person.objects.count(), User.objects.count())
    assert counts[:2] == (30, 100)
    assert "grappe-demo-2026" in out.getvalue() and "http://127.0.0.1:8000/" in out.getvalue()
    # The other capabilities' pages have something to show: members' needs and surveys, a published B2B day.
    assert "Listening:" in out.getvalue() and "Demo event" in out.getvalue()

    again = StringIO()
    call_command("generate_demo", organisations=30, people=100, stdout=again)
    assert (Organisation.objects.count(), Person.objects.count(), User.objects.count()) == counts
    assert "already there" in again.getvalue() and "staff@grappe.demo" in again.getvalue()


def test_the_demo_accounts_sign_in_with_the_rights_of_their_role(db, client):
    call_command("generate_demo", organisations=30, people=100, cluster_only=True, stdout=StringIO())
    staff = User.objects.get(email="staff@grappe.demo")
    assert staff.role == Role.STAFF_ADMIN and staff.check_password(demo_data.DEMO_PASSWORD)
    admin = User.objects.get(email="sophie.tremblay@upl-aero.demo")
    assert admin.organisation.trade_name == "UPL Aéro"
    assert admin.has_perm("members.change_organisation", admin.organisation)
    member = User.objects.get(email="marc-andre.gagnon@upl-aero.demo")
    assert not member.has_perm("members.change_organisation", member.organisation)
    assert User.objects.get(email="observer@grappe.demo").role == Role.OBSERVER


def test_the_demo_program_has_a_decided_closed_call_within_its_budget_and_an_open_call(db):
    from django.utils import timezone

    from grappe.core.models import AuditEntry
    from grappe.programs import committee
    from grappe.programs.demo_data import generate_programs
    from grappe.programs.models import ApplicationStatus, CallStatus, Commitment, Program

    call_command("generate_demo", organisations=30, people=100, cluster_only=True, stdout=StringIO())
    demo = generate_programs(seed=2026)
    assert demo is not None and generate_programs(seed=2026) is None  # a second run adds nothing
    program = Program.objects.get(pk=demo.program.pk)
    assert 0 < program.disbursed < program.committed <= program.envelope
    assert program.committed == sum(c.amount for c in Commitment.objects.filter(program=program))
    for commitment in Commitment.objects.filter(program=program):
        assert commitment.disbursed <= commitment.amount

    closed = demo.closed_call
    assert closed.status == CallStatus.CLOSED and closed.closes_at < timezone.now()
    assert closed.criteria.count() >= 3 and len({c.weight for c in closed.criteria.all()}) > 1
    submitted = closed.applications.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE])
    assert submitted.count() >= 5
    for application in submitted:
        assignments = list(application.assignments.all())
        assert len(assignments) == 2 and all(a.submitted_at and a.scores.exists() for a in assignments)
        assert application.status in (ApplicationStatus.FUNDED, ApplicationStatus.DECLINED)
    assert {a.status for a in submitted} == {ApplicationStatus.FUNDED, ApplicationStatus.DECLINED}
    # The committee's ranking chose: only applications whose mean meets the passing score are funded, best first.
    rows = committee.ranking(closed).rows
    statuses = [row.application.status for row in rows]
    assert all(row.row.passes for row in rows if row.application.status == ApplicationStatus.FUNDED)
    assert statuses == sorted(statuses, key=lambda status: status != ApplicationStatus.FUNDED)
    assert all(entry.after["scores"] for entry in AuditEntry.objects.filter(action="assignment.scored"))
    consortium = [a for a in closed.applications.all() if a.consortium.exists()]
    assert len(consortium) == 1 and consortium[0].consortium.count() == 3
    assert all(member.confirmed_at for member in consortium[0].consortium.all())
    assert AuditEntry.objects.filter(action="disbursement.recorded").exists()

    opened = demo.open_call
    assert opened.is_open(timezone.now())
    assert sorted(opened.applications.values_list("status", flat=True)) == [ApplicationStatus.DRAFT,
                                                                            ApplicationStatus.UNDER_REVIEW]
    # The demo evaluator has an evaluation to do in the open call.
    to_do = opened.applications.get(status=ApplicationStatus.UNDER_REVIEW).assignments.get()
    assert to_do.evaluator.email == "evaluation@grappe.demo" and to_do.submitted_at is None
