"""How the API tells a refusal: one handler per kind of exception, registered once on the NinjaAPI
(grappe/api.py), so that endpoints call services and let their refusals through (docs/api.md, "Errors").

    PermissionDenied                      403  {"detail": "…"}
    Http404, ObjectDoesNotExist           404  {"detail": "…"}
    grappe.core.errors.Conflict           409  {"detail": "the service's reason"}
    django ValidationError                422  {"detail": [{"type", "loc", "msg"}, …]}, as ninja answers a
                                               request whose parameters or body are not valid

A 422 has one entry per message. `type` is the error's code ("value_error" without one). `loc` says where:
a field the service named (a ValidationError with an error_dict) is ["body", "payload", field] (["query",
field] for a GET or a DELETE); an error about no field in particular is ["body"] (["query"]). When the
endpoint knows better which input a service judged (the service says "the text", the body calls it
`description`), it says so with `invalid_at(...)`; a check of the endpoint's own raises `invalid(...)`.
"""

from collections.abc import Sequence
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from .errors import Conflict, reason

READ_METHODS = {"GET", "HEAD", "DELETE"}


def register(api: NinjaAPI) -> None:
    """Install the handlers on `api`. The most specific class wins: a Conflict is not answered as a 422."""

    def respond(request, detail, status: int):
        return api.create_response(request, {"detail": detail}, status=status)

    def permission_denied(request, exc):
        return respond(request, _("You are not allowed to do this."), 403)

    def not_found(request, exc):
        return respond(request, _("Not found."), 404)

    def conflict(request, exc):
        return respond(request, reason(exc), 409)

    def invalid_values(request, exc):
        if request.method in READ_METHODS:
            at, fields_under = ["query"], ["query"]
        else:
            at, fields_under = ["body"], ["body", "payload"]
        return respond(request, problems(exc, at, fields_under=fields_under), 422)

    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(Conflict, conflict)
    api.add_exception_handler(DjangoValidationError, invalid_values)


def problems(error: DjangoValidationError, at: Sequence, *, fields_under: Sequence | None = None) -> list[dict]:
    """A ValidationError as the entries of a 422: one per message. An error about no field in particular is
    located `at`; one about a field, at `fields_under` (default `at`) followed by the field's name."""
    fields_under = list(at if fields_under is None else fields_under)
    if not hasattr(error, "error_dict"):
        return _entries(error.error_list, list(at))
    found = []
    for field, errors in error.error_dict.items():
        found += _entries(errors, list(at) if field == NON_FIELD_ERRORS else [*fields_under, field])
    return found


def _entries(errors, loc: list) -> list[dict]:
    return [{"type": item.code or "value_error", "loc": loc, "msg": message}
            for item in errors for message in item.messages]


def invalid(loc: Sequence, message: str) -> ValidationError:
    """A 422 raised by an endpoint's own check of its input: `raise invalid(["query", "capability"], …)`."""
    return ValidationError([{"type": "value_error", "loc": list(loc), "msg": message}])


@contextmanager
def invalid_at(*loc):
    """Within it, a service's ValidationError is about the input at `loc` (a field it names: below `loc`).
    A Conflict goes through unchanged (409)."""
    try:
        yield
    except Conflict:
        raise
    except DjangoValidationError as error:
        raise ValidationError(problems(error, loc)) from None
