"""Log lines an operator can read: JSON, the request's id on every line, one line per request, no personal data
(grappe.operations.logs and middleware)."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.http import StreamingHttpResponse
from django.test import Client

from grappe.operations import health, logs
from grappe.operations.middleware import RequestLogMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the console handler of settings.LOGGING would write in JSON, as a list of dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    root, requests = logging.getLogger(), logging.getLogger("grappe.request")
    level = requests.level
    root.addHandler(handler)
    requests.setLevel(logging.INFO)  # as in production (GRAPPE_LOG_FORMAT=json); tests run with DEBUG on
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        requests.setLevel(level)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "grappe.request"]


def test_one_json_line_per_request_with_its_id_user_status_and_duration(client, staff, log_lines):
    client.force_login(staff)
    response = client.get("/fr/system/")
    assert response.status_code == 200
    [line] = request_lines(log_lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert {key: line[key] for key in ("level", "method", "path", "status", "user_id")} == {
        "level": "INFO", "method": "GET", "path": "/fr/system/", "status": 200, "user_id": staff.pk}
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")


def test_a_visitor_has_no_user_id(client, log_lines):
    client.get("/fr/system/")
    [line] = request_lines(log_lines())
    assert (line["status"], line["user_id"]) == (302, None)


def test_the_front_servers_request_id_is_kept_when_sane_and_replaced_otherwise(client, log_lines):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="7f3c9a1e-nginx.42")["X-Request-ID"] == "7f3c9a1e-nginx.42"
    for insane in ("a b", "x" * 65, "id\"}{", ""):
        given = client.get("/healthz", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert given != insane and len(given) == 32


def test_no_query_string_no_email_no_secret_of_a_path(client, staff, log_lines):
    client.force_login(staff)
    client.get("/fr/members/?q=lea.roy@alpha.test&email=lea.roy@alpha.test")
    client.get("/fr/events/999/guest/s3cr3t-guest-key/")
    client.get("/fr/news/mail/unsubscribe/s3cr3t-token/")
    written = json.dumps(log_lines())
    assert "lea.roy" not in written and "q=" not in written
    assert "s3cr3t" not in written
    paths = [line["path"] for line in request_lines(log_lines())]
    assert paths == ["/fr/members/", "/fr/events/999/guest/…/", "/fr/news/mail/unsubscribe/…/"]


def test_a_500_logs_its_traceback_with_the_request_id(client, monkeypatch, log_lines):
    def broken():
        raise RuntimeError("the checks broke")
    monkeypatch.setattr(health, "readiness", broken)
    response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 500
    lines = log_lines()
    [error] = [line for line in lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: the checks broke" in error["exc_info"]
    assert "request" not in error  # the request object's text would hold the query string
    [line] = request_lines(lines)
    assert (line["status"], line["request_id"]) == (500, response["X-Request-ID"])


def test_a_404_line_of_django_carries_the_request_id(client, log_lines):
    response = client.get("/fr/nowhere/?email=lea.roy@alpha.test")
    [warning] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert (warning["message"], warning["request_id"]) == ("Not Found: /fr/nowhere/", response["X-Request-ID"])


def test_passing_probes_are_written_at_debug_only(client, log_lines, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.get("/healthz")
    client.get("/readyz")
    assert request_lines(log_lines()) == []


def test_lines_outside_a_request_have_no_request_id(log_lines):
    logging.getLogger("grappe.test").warning("the disk is %s%% full", 91)
    [line] = log_lines()
    assert line == {"level": "WARNING", "logger": "grappe.test", "message": "the disk is 91% full",
                    "request_id": None, "time": line["time"]}


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "grappe.settings", **env},
                          cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=120)


def test_the_settings_write_json_or_text_as_grappe_log_format_says():
    code = "import logging; logging.getLogger('grappe.test').warning('hello')"
    as_json = run_python(code, GRAPPE_LOG_FORMAT="json")
    line = json.loads(as_json.stderr.strip().splitlines()[-1])
    assert (line["message"], line["level"], line["request_id"]) == ("hello", "WARNING", None)
    as_text = run_python(code, GRAPPE_LOG_FORMAT="text").stderr.strip().splitlines()[-1]
    assert as_text.endswith("WARNING grappe.test [-] hello")
    wrong = run_python("", GRAPPE_LOG_FORMAT="xml")
    assert wrong.returncode != 0
    assert 'GRAPPE_LOG_FORMAT must be "json" or "text"' in wrong.stderr


def test_a_streamed_response_is_passed_on_whole_and_a_head_request_gets_its_id_too(rf, client, log_lines):
    """The middleware reads no response's body: a streamed export flows through untouched."""
    streamed = RequestLogMiddleware(lambda request: StreamingHttpResponse(iter([b"first;", b"second"])))(
        rf.get("/fr/export/"))
    assert streamed.streaming and b"".join(streamed.streaming_content) == b"first;second"
    head = client.head("/fr/", HTTP_X_REQUEST_ID="probe-1")
    assert (head["X-Request-ID"], head.content) == ("probe-1", b"")

    lines = request_lines(log_lines())
    assert [(line["method"], line["path"]) for line in lines] == [("GET", "/fr/export/"), ("HEAD", "/fr/")]
    assert lines[0]["request_id"] == streamed["X-Request-ID"]
