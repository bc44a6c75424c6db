"""The governance API (django-ninja): one router, which grappe/api.py adds, joining the routers of its modules.

- bodies: the axes, committees and work streams.
"""

from ninja import Router

from . import bodies

router = Router(tags=["governance"])
router.add_router("", bodies.router)
