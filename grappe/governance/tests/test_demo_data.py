"""The demo's governance: two axes, three committees and a work stream, each co-chaired by the staff and a person
of a member organisation, with five to ten members; the demo SME's people on the environment committee, Sophie
Tremblay as its industry co-chair; a second run changes nothing."""

import pytest

from grappe.governance.demo_data import MARC_ANDRE, SOPHIE, generate_governance
from grappe.governance.models import BodyKind, BodyMember, ChairSeat, MembershipState
from grappe.governance.rules import co_chairs, sits_on
from grappe.members import demo_data
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

pytestmark = pytest.mark.django_db


def test_the_demo_bodies_are_co_chaired_and_peopled():
    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=24, people=72, seed=2026)
    demo_data.ensure_demo_accounts()
    made = generate_governance(seed=2026)["bodies"]
    assert sorted(body.kind for body in made.values()).count(BodyKind.COMMITTEE) == 3
    assert [body.kind for body in made.values()].count(BodyKind.AXIS) == 2
    for body in made.values():
        seats = dict(BodyMember.objects.filter(body=body, chair_seat__isnull=False).values_list("chair_seat", "user"))
        assert set(seats) == {ChairSeat.STAFF, ChairSeat.INDUSTRY}
        assert 5 <= body.members.filter(state=MembershipState.ACTIVE).count() <= 10
    environment = made["environment_committee"]
    sophie = BodyMember.objects.get(body=environment, user__email=SOPHIE)
    assert sophie.chair_seat == ChairSeat.INDUSTRY and co_chairs(sophie.user, environment)
    assert sits_on(BodyMember.objects.get(body=environment, user__email=MARC_ANDRE).user, environment)
    assert environment.members.filter(state__in=[MembershipState.INVITED, MembershipState.REQUESTED]).count() == 2
    assert generate_governance(seed=2026)["bodies"] == made
