"""The programs API (django-ninja): one router, which grappe/api.py adds, joining the routers of its modules.

- calls: the open calls, each with whether the caller's organisation may apply and why not.
"""

from ninja import Router

from . import calls

router = Router(tags=["programs"])
router.add_router("", calls.router)
