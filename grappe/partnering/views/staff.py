"""Stub until the partnering pages land."""
from django.http import Http404


def overview(request, *args, **kwargs):
    raise Http404


def pooling(request, *args, **kwargs):
    raise Http404


def succession(request, *args, **kwargs):
    raise Http404


def consolidation(request, *args, **kwargs):
    raise Http404
