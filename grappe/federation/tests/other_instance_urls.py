"""The URLs of the test server standing for other sites, beside all of Grappe's own: another cluster's instance
(its actor document, and an inbox that takes what it is sent), a site that is not a Grappe instance, and one that
claims to speak for another site. Used with pytest-django's live_server (test_partner_pages.py)."""

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from grappe import urls as grappe_urls
from grappe.federation import keys, protocol

OTHER = {"name": "Grappe logistique", "key": None}  # the test sets the other instance's public key (PEM)


def actor(request):
    here = request.build_absolute_uri("/other/federation")
    return JsonResponse({
        "@context": protocol.CONTEXT + ["https://w3id.org/security/v1"], "id": f"{here}/actor",
        "type": "Service", "name": OTHER["name"], "inbox": f"{here}/inbox", "outbox": f"{here}/outbox",
        "publicKey": {"id": f"{here}/actor#main-key", "owner": f"{here}/actor", "publicKeyPem": OTHER["key"]},
    }, content_type=protocol.MEDIA_TYPE)


@csrf_exempt
def inbox(request):
    return HttpResponse(status=202)


def web_page(request):
    return HttpResponse("<!doctype html><title>Une boulangerie</title><p>Pain frais tous les matins.</p>")


def impostor(request):
    """An actor document naming another site's actor: a site may not speak for another."""
    return JsonResponse({"id": "https://logistique.example.org/federation/actor", "type": "Service",
                         "name": "Grappe logistique", "inbox": "https://logistique.example.org/federation/inbox",
                         "publicKey": {"publicKeyPem": keys.instance_key().public_key}})


urlpatterns = [
    path("other/federation/actor", actor),
    path("other/federation/inbox", inbox),
    path("bakery/federation/actor", web_page),
    path("impostor/federation/actor", impostor),
    *grappe_urls.urlpatterns,
]
