"""The partnering API (django-ninja): one router, which grappe/api.py adds, joining the routers of its modules.

- opportunities: analyse a text or a saved opportunity, list the opportunities the caller may see.

Each endpoint names its OpenAPI operation id (grappe_partnering_api_<function>) rather than letting ninja
derive it from its module's path, so that clients generated from the schema keep their method names
whichever module holds the endpoint.
"""

from ninja import Router

from . import opportunities

router = Router(tags=["partnering"])
router.add_router("", opportunities.router)
