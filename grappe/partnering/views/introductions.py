"""Stub until the partnering pages land."""
from django.http import Http404


def introduction_request(request, *args, **kwargs):
    raise Http404


def introduction_list(request, *args, **kwargs):
    raise Http404


def introduction_detail(request, *args, **kwargs):
    raise Http404


def introduction_answer(request, *args, **kwargs):
    raise Http404
