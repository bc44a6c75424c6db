"""The governance API (django-ninja): one router, which grappe/api.py adds, joining the routers of its modules.

- bodies: the axes, committees and work streams.
- resolutions: the resolutions put to a vote, and casting an organisation's vote.
"""

from ninja import Router

from . import bodies, resolutions

router = Router(tags=["governance"])
router.add_router("", bodies.router)
router.add_router("", resolutions.router)
