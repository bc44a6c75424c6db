"""Every API write reads the object its schema declares, or refuses with 422: never a default for all."""

import json
import re

import pytest

from grappe.api import api
from grappe.conftest import api_key_headers

pytestmark = pytest.mark.django_db


def writes() -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a JSON body, its path parameters set to 1 (the body is
    refused before any lookup)."""
    schema = api.get_openapi_schema(path_prefix="/api")
    return [(method, re.sub(r"\{\w+\}", "1", path)) for path, operations in schema["paths"].items()
            for method, operation in operations.items() if "requestBody" in operation]


@pytest.mark.parametrize("body", ["1.5", "[]", '"text"', "null", json.dumps({"no_such_field": 1})])
def test_a_body_that_is_not_the_declared_object_answers_422(client, staff, body):
    headers = api_key_headers(staff)
    operations = writes()
    assert ("put", "/api/events/1/registration/profile") in operations
    answers = {(method, path): getattr(client, method)(path, body, content_type="application/json", **headers)
               for method, path in operations}

    assert {operation: response.status_code for operation, response in answers.items()
            if response.status_code != 422} == {}


def test_every_body_schema_says_it_takes_no_other_field():
    """A misspelt field is refused rather than dropped, and clients read that in the schema."""
    schema = api.get_openapi_schema(path_prefix="/api")
    components = schema["components"]["schemas"]

    def objects(node) -> list[str]:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[1]
                return [name, *objects(components[name])]
            return [name for value in node.values() for name in objects(value)]
        return [name for value in node for name in objects(value)] if isinstance(node, list) else []

    bodies = {name for operations in schema["paths"].values() for operation in operations.values()
              for name in objects(operation.get("requestBody", {})) if components[name].get("type") == "object"}
    assert {"ProfileIn", "RulesIn", "OrganisationInPatch"} <= bodies
    assert {name for name in bodies if components[name].get("additionalProperties") is not False} == set()
