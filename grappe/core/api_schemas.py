"""What every API endpoint shares: the base of what it reads, and the errors it answers (docs/api.md)."""

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError


class InputSchema(Schema):
    """The base of every request body: a JSON object with the declared fields, and no other.

    ninja's Schema reads the attributes of any object, as it must to serialise models. For a body that means
    `1.5` or `[]` would validate as an object whose fields all take their defaults (a PUT that wipes), and a
    misspelt field would be dropped in silence. Forbidding unknown fields makes pydantic check the raw body
    first: anything but an object of known fields answers 422, and the schema says so
    (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _refuse_nul_characters(cls, value):
        """PostgreSQL text cannot hold the NUL character: refused here (422 naming the field), it would
        otherwise fail the write (500). URLs are checked by core.middleware.RejectNulCharacterMiddleware."""
        if _holds_nul(value):
            raise PydanticCustomError("nul_character", _("Text cannot contain the NUL character."))
        return value


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple, set)):
        return any(_holds_nul(item) for item in value)
    return False


class Named(Schema):
    """A capability or a certification type as the answers name it: its code and its label in the caller's
    language."""

    code: str
    label: str


class ErrorOut(Schema):
    """A refusal: 400 (a malformed request), 401 (no or a wrong key), 403 (not allowed), 404 (not found,
    or not yours to know of), 409 (not in this state)."""

    detail: str = Field(description="Why, in the caller's language.")


class InvalidValueOut(Schema):
    type: str = Field(description="What kind of problem, e.g. missing, value_error, less_than_equal.")
    loc: list[str | int] = Field(description='Where: ["query", "offset"], ["body", "payload", "text"]…')
    msg: str


class InvalidInputOut(Schema):
    """422: the request was read, but a parameter or the body is not valid."""

    detail: list[InvalidValueOut] = Field(description="One entry per problem.")


def answers(success, *refusals: int) -> dict:
    """The `response=` of an endpoint: its success (a schema for 200, or a {status: schema} dict), then the
    refusals it may answer, each with its error schema, so that the OpenAPI schema documents them.

    400 and 401 are always declared: every endpoint refuses a URL holding a NUL character or a body that is
    not JSON (400), and a wrong or revoked key, on the public endpoints too (401)."""
    declared = success if isinstance(success, dict) else {200: success}
    return {**declared, **{code: InvalidInputOut if code == 422 else ErrorOut for code in (400, 401, *refusals)}}
