"""The REST API (django-ninja): one NinjaAPI, one router per app, OpenAPI docs at /api/docs (docs/api.md).

Every endpoint needs a signed-in caller (API key or session) unless it declares `**PUBLIC_ENDPOINT`. The
services' refusals (PermissionDenied, ValidationError, Conflict, not found) are answered by the handlers of
grappe.core.api_errors, the same for every endpoint.
"""

from ninja import NinjaAPI

from grappe.core import api_errors
from grappe.core.api_auth import SIGNED_IN
from grappe.members.api import router as members_router
from grappe.events.api import router as events_router
from grappe.listening.api import router as listening_router
from grappe.partnering.api import router as partnering_router
from grappe.programs.api import router as programs_router
from grappe.governance.api import router as governance_router
from grappe.bulletins.api import router as bulletins_router
from grappe.federation.api import router as federation_router

class GrappeAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`grappe_<app>_api_<endpoint>`, whichever module of the app's api/ package holds the endpoint: a
        client generated from the schema keeps its method names when endpoints move between modules."""
        app = operation.view_func.__module__.split(".")[1]
        return f"grappe_{app}_api_{operation.view_func.__name__}"


api = GrappeAPI(title="Grappe API", version="1", urls_namespace="api", auth=SIGNED_IN,
               description="Members of the cluster: organisations, people, capabilities. See docs/api.md.")
api.add_router("/", members_router)
api.add_router("/", partnering_router)
api.add_router("/", listening_router)
api.add_router("/", events_router)
api.add_router("/", programs_router)
api.add_router("/", governance_router)
api.add_router("/", bulletins_router)
api.add_router("/", federation_router)
api_errors.register(api)  # the services' refusals, answered the same way by every endpoint
