"""Production settings are safe, pages carry a strict CSP, and sign-in attempts are rate limited."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse


def production_environment(**overrides) -> dict:
    """This process's environment as a production server would have it (the browser tests' flag removed)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DJANGO_DEBUG": "0", **overrides}


def test_check_deploy_is_clean_with_production_settings():
    env = {**production_environment(), "DJANGO_SECRET_KEY": "a-production-secret-" + "k" * 40,
           "DJANGO_ALLOWED_HOSTS": "grappe.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_environment(DJANGO_SECRET_KEY="")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_pages_carry_a_content_security_policy_without_inline_script(client, db):
    response = client.get(reverse("members:directory"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_repeated_failed_sign_ins_are_blocked(client, org_user):
    cache.clear()
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": org_user.email, "password": "wrong-password"})
        assert response.status_code == 200
    blocked = client.post(url, {"login": org_user.email, "password": "correct-horse-battery-staple"})
    assert "_auth_user_id" not in client.session
    assert blocked.status_code == 200
    assert "Trop de tentatives de connexion échouées." in blocked.content.decode()
    cache.clear()
