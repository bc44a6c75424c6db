"""How a service says no, and how that refusal is told to a person.

A service refuses with Django's exceptions, so that pages, the API and tasks read the refusal the same way:

- `PermissionDenied`: the caller may not do this (403);
- `ValidationError`: a value given is not acceptable (the page shows it beside the form, the API answers 422);
- `Conflict`, a `ValidationError`: the values may be fine, but the object is not in a state that allows this
  now (a closed survey, an event not in that phase). Pages show it like any refusal; the API answers 409.

`reason(error)` is the text of a refusal, all its messages in one sentence, in the active language.
"""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """A refusal because of the state of an object, not because of the values given ("not in this state")."""


def reason(error: ValidationError) -> str:
    """The refusal's messages as one text, in the active language (a field error's messages included)."""
    return " ".join(error.messages)
