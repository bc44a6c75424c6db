"""The governance API: the bodies with their co-chairs for members and staff; a body's members only for its own
members and the staff."""

import pytest
from django.urls import reverse

from grappe.governance.models import ChairSeat

pytestmark = pytest.mark.django_db


def test_the_bodies_come_with_their_co_chairs(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.other_member)
    bodies = {body["id"]: body for body in client.get(reverse("api:governance-bodies")).json()}
    seats = {seat["chair_seat"]: seat for seat in bodies[ctx.committee.pk]["co_chairs"]}
    assert seats[ChairSeat.INDUSTRY]["organisation"] == "Alpha Usinage"
    assert seats[ChairSeat.STAFF]["user_id"] == ctx.staff_chair.pk and seats[ChairSeat.STAFF]["organisation"] is None
    assert bodies[ctx.axis.pk]["co_chairs"] == []


def test_a_bodys_members_are_for_its_members_and_the_staff(governance_matrix, client):
    ctx = governance_matrix
    url = reverse("api:governance-body", args=[ctx.committee.pk])
    for user, sees in ((ctx.body_member, True), (ctx.staff, True), (ctx.other_member, False)):
        client.force_login(user)
        members = client.get(url).json()["members"]
        assert (members is not None) == sees
        if sees:
            assert {member["user_id"] for member in members} == {ctx.staff_chair.pk, ctx.co_chair.pk, ctx.body_member.pk}
    client.force_login(ctx.staff)
    ctx.committee.archived_at = "2025-01-01T00:00Z"
    ctx.committee.save()
    assert client.get(url).status_code == 404
