"""Every URL of Grappe must declare who may use it (see permission_matrix.py)."""

import importlib
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from .permission_matrix import REGISTRY, UNDECLARED

# URLs whose access rules belong to a well-tested third party; we test our use of them elsewhere.
THIRD_PARTY_NAMESPACES = {"admin"}
THIRD_PARTY_PREFIXES = ("account_", "mfa_", "openapi-", "django.")


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def our_url_names() -> set[str]:
    names = set()
    for name in _url_names(get_resolver()):
        namespace, _, short = name.rpartition(":")
        if namespace.split(":")[0] in THIRD_PARTY_NAMESPACES or short.startswith(THIRD_PARTY_PREFIXES):
            continue
        names.add(name)
    return names


def declared_url_names() -> set[str]:
    """The URLs of the policies every app declares, in its tests/test_permissions.py and any other
    tests/test_*_permissions.py (an app whose matrix has several parts)."""
    for app in apps.get_app_configs():
        if app.name.startswith("grappe."):
            for module in sorted(Path(app.path, "tests").glob("test*permissions.py")):
                importlib.import_module(f"{app.name}.tests.{module.stem}")
    return {policy.url for policy in REGISTRY}


def test_every_url_has_a_policy():
    missing = our_url_names() - declared_url_names()
    assert not missing, f"URLs without a declared permission policy: {sorted(missing)}"


def test_every_policy_names_a_real_url():
    unknown = declared_url_names() - our_url_names()
    assert not unknown, f"Policies for URLs that do not exist: {sorted(unknown)}"


def test_every_write_declares_its_audit_action():
    """A write's status code proves nothing on its own: the matrix checks the audit entry it leaves."""
    declared_url_names()
    undeclared = sorted(f"{policy.__module__}.{policy.__name__}" for policy in REGISTRY
                        if policy.writes() and policy.audit_action == UNDECLARED)
    assert not undeclared, f"Writes without a declared audit_action: {undeclared}"
