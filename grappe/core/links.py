"""Absolute links for mail: a message sent from a background task has no request to take the host from."""

from django.conf import settings


def absolute_url(path: str, request=None) -> str:
    """The full address of `path`: from the request when there is one, else from GRAPPE_BASE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.GRAPPE_BASE_URL.rstrip("/") + path
