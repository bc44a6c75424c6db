"""The OpenAPI schema describes every answer truly: one name per schema, every refusal documented."""

import jsonschema_rs
import pytest
from ninja import Schema

from grappe.api import api
from grappe.events.tests.factories import make_event


def subclasses(cls) -> list[type]:
    return [cls for sub in cls.__subclasses__() for cls in (sub, *subclasses(sub))]


def test_no_two_schemas_share_a_name():
    """The OpenAPI components are keyed by class name: a second schema of the same name silently replaces
    the first in the documentation (partnering's and listening's NeedOut did)."""
    ours = {cls for cls in subclasses(Schema) if cls.__module__.startswith("grappe.") and ".tests" not in cls.__module__}
    by_name: dict[str, set[str]] = {}
    for cls in ours:
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")

    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}


def operations() -> list:
    schema = api.get_openapi_schema(path_prefix="/api")
    return [pytest.param(operation, id=f"{method.upper()} {path}") for path, methods in schema["paths"].items()
            for method, operation in methods.items()]


@pytest.mark.parametrize("operation", operations())
def test_every_endpoint_documents_its_refusals_with_the_error_schema(operation):
    responses = {int(code): answer for code, answer in operation["responses"].items()}
    refusals = {code for code in responses if 400 <= code < 500}
    typed = [p for p in operation.get("parameters", []) if p["schema"].get("type") != "string" or p["in"] != "path"]

    assert {400, 401} <= refusals, "a NUL character in the URL answers 400, a wrong key 401, everywhere"
    assert (422 in refusals) == bool(typed or "requestBody" in operation), "invalid input answers 422"
    for code in refusals:
        ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/InvalidInputOut" if code == 422 else "/ErrorOut")


@pytest.mark.django_db
def test_an_events_session_times_are_valid_for_the_schemas_own_formats(client, staff):
    """A session's times are local times at the venue, with no offset: JSON Schema's "time" format would
    require one."""
    make_event(staff)
    session = client.get("/api/events").json()[0]["sessions"][0]
    definition = api.get_openapi_schema(path_prefix="/api")["components"]["schemas"]["SessionOut"]

    assert session["starts"] == "09:00:00"
    assert jsonschema_rs.validator_for(definition, validate_formats=True).is_valid(session)
