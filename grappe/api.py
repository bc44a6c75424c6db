"""The REST API (django-ninja): one NinjaAPI, one router per app, OpenAPI docs at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="Grappe API", version="1", urls_namespace="api")
