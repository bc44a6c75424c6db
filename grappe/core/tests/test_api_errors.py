"""The API's one way of telling a refusal (grappe.core.api_errors): each exception a service raises is
answered with its status and the documented body, whichever endpoint it comes through."""

import json

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from ninja.errors import ValidationError as InvalidInput

from grappe.api import api
from grappe.core.api_errors import invalid, invalid_at
from grappe.core.errors import Conflict, reason


def answer(exception, method: str = "post", language: str = "en"):
    request = getattr(RequestFactory(), method)("/api/somewhere")
    with translation.override(language):
        response = api.on_exception(request, exception)
    return response.status_code, json.loads(response.content)


def test_permission_denied_answers_403_with_a_detail():
    assert answer(PermissionDenied()) == (403, {"detail": "You are not allowed to do this."})


@pytest.mark.parametrize("exception", [Http404(), ObjectDoesNotExist()])
def test_not_found_answers_404_with_a_detail(exception):
    status, body = answer(exception)
    assert status == 404
    assert body == {"detail": "Not found."}


def test_a_conflict_answers_409_with_the_services_reason():
    status, body = answer(Conflict(["This survey is closed.", "Answers are kept."], code="closed"))
    assert (status, body) == (409, {"detail": "This survey is closed. Answers are kept."})


def test_a_refusal_without_a_field_answers_422_about_the_body():
    status, body = answer(ValidationError("Describe the need in a few words.", code="empty"))
    assert status == 422
    assert body == {"detail": [{"type": "empty", "loc": ["body"], "msg": "Describe the need in a few words."}]}


def test_a_refusal_about_fields_answers_422_naming_each_field_once_per_message():
    status, body = answer(ValidationError({"text": ["Too long.", "Not French."], "language": "Unknown."}))
    assert status == 422
    assert body == {"detail": [
        {"type": "value_error", "loc": ["body", "payload", "text"], "msg": "Too long."},
        {"type": "value_error", "loc": ["body", "payload", "text"], "msg": "Not French."},
        {"type": "value_error", "loc": ["body", "payload", "language"], "msg": "Unknown."},
    ]}


def test_a_refusal_of_a_read_is_about_its_query():
    status, body = answer(ValidationError({"theme": "Unknown theme."}), method="get")
    assert (status, body["detail"][0]["loc"]) == (422, ["query", "theme"])


def test_the_detail_is_in_the_callers_language():
    assert answer(PermissionDenied(), language="fr")[1]["detail"] == "Cette action ne vous est pas permise."
    assert answer(Http404(), language="fr")[1]["detail"] == "Introuvable."


def test_invalid_at_places_a_services_refusal_at_the_input_the_endpoint_names():
    with pytest.raises(InvalidInput) as raised, invalid_at("body", "payload", "answers"):
        raise ValidationError({"q12": ["Choose one of the options."]})
    assert raised.value.errors == [
        {"type": "value_error", "loc": ["body", "payload", "answers", "q12"], "msg": "Choose one of the options."}]
    with pytest.raises(InvalidInput) as raised, invalid_at("body", "payload", "text"):
        raise ValidationError("Write a text.", code="empty")
    assert raised.value.errors == [{"type": "empty", "loc": ["body", "payload", "text"], "msg": "Write a text."}]


def test_invalid_at_lets_a_conflict_through():
    with pytest.raises(Conflict), invalid_at("body", "payload"):
        raise Conflict("Closed.")


def test_invalid_is_one_value_error_at_its_place():
    assert invalid(["query", "capability"], "Unknown code: x.").errors == [
        {"type": "value_error", "loc": ["query", "capability"], "msg": "Unknown code: x."}]


def test_reason_is_every_message_in_one_text():
    assert reason(ValidationError(["One.", "Two."])) == "One. Two."
    assert reason(ValidationError({"a": "One.", "b": "Two."})) == "One. Two."
