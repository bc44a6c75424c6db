"""Stub until the partnering pages land."""
from django.http import Http404


def declared_needs(request, *args, **kwargs):
    raise Http404


def declared_need_remove(request, *args, **kwargs):
    raise Http404


def succession(request, *args, **kwargs):
    raise Http404
