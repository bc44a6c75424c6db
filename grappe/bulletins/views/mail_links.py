"""Placeholder replaced by the subscribe helper's views: the signed links a bulletin's email carries (unsubscribe,
preferences, open pixel, tracked click) need their URL names to exist for the email to be built. Each answers 404
until the real views are merged."""

from django.http import Http404


def unsubscribe(request, token):
    raise Http404


def preferences_signed(request, token):
    raise Http404


def opened(request, token):
    raise Http404


def clicked(request, token):
    raise Http404
