"""Posts for labour sharing's tests, written straight to the database (the services are tested on their own)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grappe.labour.models import Availability, Need


def period(starts_in: int = 7, days: int = 56) -> tuple[datetime.date, datetime.date]:
    start = timezone.localdate() + datetime.timedelta(days=starts_in)
    return start, start + datetime.timedelta(days=days - 1)


def make_availability(organisation, created_by, skills, **fields) -> Availability:
    start, end = period()
    values = {"title": "Deux machinistes CNC", "people": 2, "start": start, "end": end, "region": "06",
              "hourly_rate": Decimal("62.50"), "at_cost_confirmed": True, **fields}
    availability = Availability.objects.create(organisation=organisation, created_by=created_by, **values)
    availability.skills.set(skills)
    return availability


def make_need(organisation, created_by, skills, **fields) -> Need:
    start, end = period()
    values = {"title": "Renfort en usinage", "people": 1, "start": start, "end": end, "region": "13", **fields}
    need = Need.objects.create(organisation=organisation, created_by=created_by, **values)
    need.skills.set(skills)
    return need
