"""Stub until the partnering pages land."""
from django.http import Http404


def opportunity_list(request, *args, **kwargs):
    raise Http404


def opportunity_create(request, *args, **kwargs):
    raise Http404


def opportunity_detail(request, *args, **kwargs):
    raise Http404


def opportunity_competencies(request, *args, **kwargs):
    raise Http404


def opportunity_analysis(request, *args, **kwargs):
    raise Http404
