"""Every API list takes `limit` and `offset` within declared bounds: out of range answers 422, never 500."""

import re

import pytest

from grappe.api import api
from grappe.conftest import api_key_headers
from grappe.core.paging import MAX_LIMIT, MAX_OFFSET

pytestmark = pytest.mark.django_db


def paginated_paths() -> list[str]:
    """Every GET of the schema that takes `offset`, its path parameters set to 1 (the query is refused
    before any lookup)."""
    schema = api.get_openapi_schema(path_prefix="/api")
    return [re.sub(r"\{\w+\}", "1", path) for path, operations in schema["paths"].items()
            if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))]


@pytest.mark.parametrize("query, parameter", [
    (f"offset={2 ** 63 + 1}", "offset"),
    (f"offset={MAX_OFFSET + 1}", "offset"),
    ("offset=-1", "offset"),
    (f"limit={MAX_LIMIT + 1}", "limit"),
    ("limit=0", "limit"),
])
def test_a_limit_or_offset_out_of_range_answers_422_naming_it(client, staff, query, parameter):
    headers = api_key_headers(staff)
    paths = paginated_paths()
    assert {"/api/organisations", "/api/people", "/api/listening/surveys/1/responses"} <= set(paths)
    for path in paths:
        response = client.get(f"{path}?{query}", **headers)

        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"][0]["loc"] == ["query", parameter]


def test_the_largest_offset_allowed_answers_an_empty_page(client, org_admin):
    response = client.get(f"/api/people?offset={MAX_OFFSET}&limit={MAX_LIMIT}", **api_key_headers(org_admin))

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 1}
