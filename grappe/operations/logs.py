"""Log lines an operator can read and a log system can parse (settings.LOGGING, GRAPPE_LOG_FORMAT).

- `request_id`: the id of the request being served (grappe.operations.middleware sets it), in a context
  variable so that every line written while serving it carries it, Django's own too (a 500's traceback).
- `RequestIdFilter`, on the console handler: adds `request_id` to every record that reaches it (a handler's
  filter sees the records of every logger, a logger's only its own).
- `JsonFormatter`: one JSON object per line (python-json-logger): time (UTC), level, logger, message, request_id, the
  record's extra fields (method, path, status, duration_ms, user_id for a request's line) and the traceback.
  Django's request records carry the request object itself, whose text holds the query string: left out; the
  path they write has its secrets hidden as the request's line has (`loggable_path`).

Nothing here imports Django's models: settings.py names these classes before the apps load.
"""

import logging
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# A URL argument that is a secret (a guest's key, an unsubscribe token, a password reset's key) is not logged.
SECRET_URL_ARGUMENTS = ("key", "token", "uidb36")

request_id: ContextVar[str | None] = ContextVar("grappe_request_id", default=None)

# What a record may carry that must not reach a log: Django's request object (django.request,
# django.security: its text is the full URL with its query string), the dev server's socket and time.
LEFT_OUT = ("request", "server_time", "taskName", "color_message")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record: the current request's, else `missing` (None: null in JSON; "-" reads
    better in text)."""

    def __init__(self, missing: str | None = None):
        super().__init__()
        self.missing = missing

    def filter(self, record: logging.LogRecord) -> bool:
        # Django writes the line of a response of 400 or more once the middleware are done (the context variable is
        # reset by then), with the request on the record: the middleware left its id there.
        asked = getattr(record, "request", None)
        record.request_id = request_id.get() or getattr(asked, "request_id", None) or self.missing
        if asked is not None and isinstance(record.args, tuple):  # "Not Found: %s", request.path
            path = getattr(asked, "path", None)
            record.args = tuple(loggable_path(asked) if arg == path else arg for arg in record.args)
        return True


class JsonFormatter(BaseJsonFormatter):
    """{"time": …, "level": "INFO", "logger": "grappe.request", "message": …, "request_id": …, …extra fields}."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *LEFT_OUT])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("fmt", "{levelname}{name}{message}")
        kwargs.setdefault("timestamp", "time")  # ISO 8601 in UTC, from the record's creation
        kwargs.setdefault("style", "{")
        super().__init__(*args, **kwargs)


def loggable_path(request) -> str:
    """The request's path (never its query string), with the secrets some paths hold written "…"."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name in SECRET_URL_ARGUMENTS:
        value = match.kwargs.get(name) if match else None
        if value:
            path = path.replace(str(value), "…")
    return path
