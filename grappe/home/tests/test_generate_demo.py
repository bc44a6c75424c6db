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
