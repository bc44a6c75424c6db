"""What every API endpoint shares: the base of what it reads, and the errors it answers (docs/api.md)."""

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """The base of every request body: a JSON object with the declared fields, and no other.

    ninja's Schema reads the attributes of any object, as it must to serialise models. For a body that means
    `1.5` or `[]` would validate as an object whose fields all take their defaults (a PUT that wipes), and a
    misspelt field would be dropped in silence. Forbidding unknown fields makes pydantic check the raw body
    first: anything but an object of known fields answers 422, and the schema says so
    (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")
