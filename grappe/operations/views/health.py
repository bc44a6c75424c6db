"""/healthz and /readyz for a load balancer or a monitor (grappe.operations.health): JSON, never cached, no
sign-in, outside the language prefix, and answered on plain HTTP too (settings.SECURE_REDIRECT_EXEMPT)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import health


@never_cache
@require_safe
def healthz(request):
    """The process answers: 200, whatever the database's state."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """200 when every check passes, else 503; each check named with its result."""
    checks = health.readiness()
    ready = all(check.ok for check in checks)
    body = {"status": "ok" if ready else "unavailable",
            "checks": {check.name: {"ok": check.ok, **({"detail": check.detail} if check.detail else {})}
                       for check in checks}}
    return JsonResponse(body, status=200 if ready else 503)
