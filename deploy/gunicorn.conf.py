"""gunicorn's configuration for Grappe (grappe-web.service: `gunicorn --config deploy/gunicorn.conf.py`).

The environment (/etc/grappe/grappe.env) sets Grappe's settings; these read two of their own:
GRAPPE_WEB_BIND (127.0.0.1:8000, or unix:/run/grappe/web.sock) and GRAPPE_WEB_WORKERS (3).
"""

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

wsgi_app = "grappe.wsgi:application"
chdir = str(ROOT)
bind = [address.strip() for address in os.environ.get("GRAPPE_WEB_BIND", "127.0.0.1:8000").split(",")]
workers = int(os.environ.get("GRAPPE_WEB_WORKERS", "3"))
# A request longer than this is cut (and the worker replaced): long work runs in the worker, not in requests.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so that a slow leak in a library never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# Grappe's middleware writes one line per request (with its id); gunicorn's own access log would double it.
accesslog = None
errorlog = "-"
loglevel = "warning"
# X-Forwarded-Proto from nginx on the same machine tells that the request came over HTTPS.
forwarded_allow_ips = os.environ.get("GRAPPE_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "grappe-web"
# systemd starts, reloads (HUP) and stops it; no control socket in the service user's home (gunicorn >= 25.1).
control_socket_disable = True

# Read the settings here, in the master, before any worker starts: a missing production setting then stops
# gunicorn with the settings' one line (grappe.settings.refuse_to_start) and status 1. Left to the workers,
# each would exit as it boots and the master would start another, for ever.
sys.path.insert(0, chdir)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
