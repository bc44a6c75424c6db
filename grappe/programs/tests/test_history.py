"""An application's history reads in the reader's language: every action named, every field by its name, values
as a person writes them (choice labels, people's names, amounts, local times), never a code or an id."""

import ast
import pathlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils.functional import Promise

from grappe.core import audit
from grappe.members.models import Role, User
from grappe.programs.models import ApplicationStatus, Criterion, Outcome, Recommendation
from grappe.programs.services import budget, decisions, evaluation, scoring

from .factories import make_application, make_call, make_program

pytestmark = pytest.mark.django_db
PROGRAMS = pathlib.Path(apps.get_app_config("programs").path)


def recorded_actions() -> set[str]:
    """Every action code grappe/programs passes to audit.record, read from its source."""
    codes = set()
    for path in PROGRAMS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record"
                    and len(node.args) >= 2):
                action = node.args[1]
                if isinstance(action, ast.Constant):
                    codes.add(action.value)
                elif isinstance(action, ast.IfExp):
                    codes |= {action.body.value, action.orelse.value}
    return codes


def test_every_action_the_programs_app_records_has_a_label():
    codes = recorded_actions()
    assert "application.document_added" in codes  # the scan reads the source
    assert {code for code in codes if audit.action_label(code) == code} == set()


def test_every_field_of_the_programs_models_has_a_translated_name():
    unnamed = [f"{model.__name__}.{field.name}" for model in apps.get_app_config("programs").get_models()
               for field in model._meta.concrete_fields
               if not field.primary_key and not isinstance(field.verbose_name, Promise)]
    assert unnamed == []


def test_the_french_history_of_a_scored_decided_committed_application_has_no_code_no_english_no_id(
        client, staff, org_a, org_user):
    call = make_call(make_program(staff, envelope="200000.00"), passing_score=Decimal("65.00"))
    innovation = Criterion.objects.create(call=call, name_fr="Innovation", name_en="Innovation",
                                          weight=Decimal(1), max_score=10)
    application = make_application(call, org_a, org_user, amount="50000.00", status=ApplicationStatus.ELIGIBLE)
    evaluator = User.objects.create_user("eval@grappe.test", "x", role=Role.EVALUATOR, full_name="Éva Luatrice")
    assignment = evaluation.assign_evaluator(actor=staff, application=application, evaluator=evaluator)
    scoring.submit(actor=evaluator, assignment=assignment,
                   sheet={innovation.pk: scoring.Entry(Decimal("7.5"), "Bien")}, recommendation=Recommendation.FUND)
    decisions.decide(actor=staff, application=application, outcome=Outcome.FUNDED, amount=Decimal("40000.00"),
                     reason="Solide")
    budget.commit_funds(actor=staff, application=application, amount=Decimal("40000.00"))
    audit.record(org_user, "application.document_added", application, after={"documents": {
        "id": 1, "kind": "business_plan", "original_name": "plan.pdf", "content_type": "pdf", "size": 10,
        "organisation": org_a.pk}})
    client.force_login(staff)

    page = client.get(f"/fr/programs/staff/applications/{application.pk}/history/").content.decode()

    changes = " ".join(re.findall(r'<ul class="list-unstyled mb-0 small">(.*?)</ul>', page, re.S))
    for words in ("Éva Luatrice", "Financer", "Innovation\u00a0: 7,50 — Bien", "40\u00a0000,00\u00a0$", "Financée",
                  "Engagé le", "Programme", "Plan d’affaires", "Alpha Usinage", "Décision\u00a0: Financée", "Montant accordé"):
        assert words in changes, words
    for raw in ("under_review", "funded", "fund", "Assigned at", "Committed at", "Program<", "amount",
                "decided_at", "outcome", "reason", "40000.00", "business_plan", "original_name", "{", ": " + str(evaluator.pk) + "<"):
        assert raw not in changes, raw
