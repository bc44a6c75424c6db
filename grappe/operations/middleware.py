"""One log line per request, and a request id that follows it (grappe.operations.logs).

The id comes from the front server when it sends a sane X-Request-ID (nginx's $request_id: letters, digits,
dashes; at most 64), else a new one; the response carries it back, so a person reporting a problem, the front
server's log and ours name the same request.

The line (logger "grappe.request", INFO): method, path, status, duration_ms, user_id, request_id. No query string
(a search, an email typed in a filter) and no secret of a path (a guest's key, an unsubscribe token, a password
reset key: the value of a URL argument named key, token or uidb36 is written "…"). The user is read after the
response, once the authentication and the view have run. The probes of a load balancer (/healthz, /readyz) are
written at DEBUG when they pass, lest they drown the rest.
"""

import logging
import re
import time
import uuid

from . import logs

logger = logging.getLogger("grappe.request")

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
PROBES = ("/healthz", "/readyz")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = logs.request_id.set(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            path = logs.loggable_path(request)
            quiet = request.path in PROBES and response.status_code < 400
            logger.log(logging.DEBUG if quiet else logging.INFO, "%s %s %s", request.method, path,
                       response.status_code, extra={
                           "method": request.method, "path": path, "status": response.status_code,
                           "duration_ms": round((time.monotonic() - started) * 1000, 1),
                           "user_id": user_id(request)})
            return response
        finally:
            logs.request_id.reset(token)


def user_id(request) -> int | None:
    """The signed-in user's id; None for a visitor, or when it cannot be read (the database is down)."""
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:  # noqa: BLE001 — the request's line is written whatever the state of the database
        return None
