"""Pages carry a strict CSP, and sign-in attempts are rate limited (production settings: operations/tests/test_deploy.py)."""

from django.core.cache import cache
from django.urls import reverse


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
