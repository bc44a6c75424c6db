"""Governance objects for tests: a body with its two co-chairs; a resolution put to the vote."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grappe.governance.models import (
    Body,
    BodyKind,
    BodyMember,
    ChairSeat,
    Elector,
    MembershipState,
    Resolution,
    ResolutionOption,
)
from grappe.governance.services import resolutions


def make_body(kind=BodyKind.COMMITTEE, name="Comité environnement", *, parent=None, **fields) -> Body:
    return Body.objects.create(kind=kind, parent=parent, name_fr=name, name_en=fields.pop("name_en", name), **fields)


def seat(body, user, *, chair_seat=None, state=MembershipState.ACTIVE) -> BodyMember:
    """The user's seat in the body: a member organisation's person sits for their current organisation."""
    organisation = None if user.is_cluster_staff else user.organisation
    return BodyMember.objects.create(body=body, user=user, organisation=organisation, state=state,
                                     chair_seat=chair_seat)


def co_chaired(body, staff_user, industry_user) -> Body:
    seat(body, staff_user, chair_seat=ChairSeat.STAFF)
    seat(body, industry_user, chair_seat=ChairSeat.INDUSTRY)
    return body


def make_resolution(body=None, *, secret=False, quorum="50", majority="simple", max_proxies=1, opens_in=-1,
                    closes_in=24, published=True, item=None, options=None, **fields):
    """A resolution (to `body`, or the whole membership) with For/Against/Abstain, open now by default (opened an
    hour ago, closing in a day), published through the service's electorate."""
    now = timezone.now()
    resolution = Resolution.objects.create(
        body=body, item=item, title_fr=fields.pop("title_fr", "Adopter la feuille de route"),
        title_en=fields.pop("title_en", "Adopt the roadmap"), text_fr="Texte.", text_en="Text.",
        opens_at=now + datetime.timedelta(hours=opens_in), closes_at=now + datetime.timedelta(hours=closes_in),
        quorum_percent=Decimal(quorum), majority=majority, secret=secret, max_proxies=max_proxies, **fields)
    for position, option in enumerate(options or resolutions.default_options()):
        ResolutionOption.objects.create(resolution=resolution, position=position, **option)
    if published:
        Elector.objects.bulk_create(Elector(resolution=resolution, organisation_id=pk)
                                    for pk in resolutions.electorate(resolution))
        resolution.published_at = now
        resolution.save(update_fields=["published_at"])
    return resolution


def option(resolution, label_en):
    return resolution.options.get(label_en=label_en)
