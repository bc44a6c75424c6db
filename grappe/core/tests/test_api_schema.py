"""The API against its own OpenAPI schema: requests generated from /api/openapi.json (schemathesis), sent
to the Django app in-process with a staff member's key and a member's key, never answer 500, and every
answer (status code, content type, body) is one the schema documents.

Each generated request is sent as generated (ids and slugs that mostly do not exist), then again with its
path naming objects that do, so that the bodies and parameters reach the services. It is bounded to stay
quick (a few examples per operation, no shrinking, a fixed seed): it guards the schema and the error
paths; what each endpoint does is tested in its app.
"""

from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from grappe.bulletins.models import BulletinStatus
from grappe.bulletins.tests.factories import make_bulletin
from grappe.conftest import api_key, make_member, make_organisation, make_staff
from grappe.events.models import RequestStatus, ScheduleRun
from grappe.events.tests.factories import make_event, make_request, register
from grappe.governance.tests.factories import make_body, make_resolution
from grappe.listening.tests.permission_objects import brief, need_of_a, survey
from grappe.members.models import OrgRole
from grappe.members.services import taxonomy as member_taxonomy
from grappe.members.taxonomy_file import read_taxonomy
from grappe.partnering import engine
from grappe.partnering.tests.conftest import build_cluster, describe
from grappe.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 10


@pytest.fixture(scope="module")
def connection_kept_between_requests():
    """The app is called as a server calls it, and a server closes the database connection at the end of
    each request; here the test's data lives in a transaction of that connection. Django's test client
    keeps it open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, connection_kept_between_requests) -> SimpleNamespace:
    """The callers' keys, and for each path parameter an object that exists: a small cluster with the
    shipped taxonomy, organisations with capabilities, an opportunity, a need, an open survey, a published
    brief, an event where A's user and B's admin take part with a request between them, and a run of its
    scheduler. Made once for the module (each operation's test runs in a savepoint of it), rolled back at
    its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        member_taxonomy.load_taxonomy(read_taxonomy())
        engine.forget()
        alpha, bravo = make_organisation("Alpha Usinage"), make_organisation("Bravo Composites")
        org_user = make_member(alpha, "user@alpha.test")
        members = build_cluster(make_member(alpha, "admin@alpha.test", OrgRole.ADMIN), org_user,
                                make_member(bravo, "admin@bravo.test", OrgRole.ADMIN))
        staff = make_staff()
        ctx = SimpleNamespace(org_a=alpha, org_b=bravo, own_user=org_user, staff=staff)
        need_of_a(ctx)
        event = make_event(staff)
        request = make_request(register(event, org_user), register(event, members.bravo_admin),
                               RequestStatus.PENDING)
        yield SimpleNamespace(
            callers={name: {"Authorization": f"Bearer {api_key(user)}"}
                     for name, user in (("staff", staff), ("member", org_user))},
            path={"slug": alpha.slug, "code": "machining-5-axis", "event_id": event.pk,
                  "request_id": request.pk, "run_id": ScheduleRun.objects.create(event=event, owner=staff).pk,
                  "survey_id": survey(ctx).pk, "brief_id": brief(ctx, published=True).pk,
                  "opportunity_id": describe(members.alpha_admin, alpha).pk,
                  "resolution_id": make_resolution().pk, "body_id": make_body().pk,
                  "bulletin_id": make_bulletin(status=BulletinStatus.SENT, is_public=True).pk})
        transaction.set_rollback(True)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, modes=list(GenerationMode),
                                no_shrink=True, deterministic=True, database="none")
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.mark.django_db
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_answers_as_its_schema_says(case, cluster):
    for headers in cluster.callers.values():
        case.call_and_validate(headers=headers, checks=CHECKS)
    if case.path_parameters:
        case.path_parameters = {name: cluster.path[name] for name in case.path_parameters}
        for headers in cluster.callers.values():
            case.call_and_validate(headers=headers, checks=CHECKS)
