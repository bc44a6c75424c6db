"""What an organisation's admin may ask a colleague about, and where the colleague acts (colleague requests).

Members knows its own kinds: the directory profile (the organisation's page) and a free request (no page). The
subjects of the other kinds belong to the apps above members (an open survey, an event, a consortium share):
those register here, from grappe.home (the floor that may read every app), the subjects an organisation may be
asked about and the page of each, so that members never imports upward."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .models import ColleagueRequest, Organisation, RequestKind, in_language


@dataclass(frozen=True)
class Subject:
    id: int
    label_fr: str
    label_en: str

    @property
    def label(self) -> str:
        return in_language(self.label_fr, self.label_en)


@dataclass(frozen=True)
class Provider:
    options: Callable[[Organisation], list[Subject]]  # what the organisation may be asked about now
    url: Callable[[int], str]                          # where one acts on the subject of this id


_PROVIDERS: dict[str, Provider] = {}


def register(kind: str, *, options: Callable[[Organisation], list[Subject]], url: Callable[[int], str]) -> None:
    _PROVIDERS[kind] = Provider(options, url)


def takes_subject(kind: str) -> bool:
    return kind in _PROVIDERS


def options(kind: str, organisation: Organisation) -> list[Subject]:
    provider = _PROVIDERS.get(kind)
    return provider.options(organisation) if provider else []


def subject(kind: str, organisation: Organisation, subject_id: int | None) -> Subject | None:
    """The subject of this id if the organisation may be asked about it now, else None."""
    return next((item for item in options(kind, organisation) if item.id == subject_id), None)


def url_of(request: ColleagueRequest) -> str:
    """Where the colleague acts on what they were asked: the subject's page, the organisation's, or none."""
    provider = _PROVIDERS.get(request.kind)
    if provider is not None and request.subject_id is not None:
        return provider.url(request.subject_id)
    if request.kind == RequestKind.DIRECTORY_PROFILE:
        return reverse("members:organisation-edit", args=[request.organisation.slug])
    return ""
