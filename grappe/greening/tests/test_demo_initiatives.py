"""The demo's two shared initiatives."""

import pytest

from grappe.conftest import make_member, make_organisation
from grappe.core.models import AuditEntry
from grappe.greening.demo_data import generate_initiatives
from grappe.greening.models import Initiative
from grappe.members.models import OrgRole

pytestmark = pytest.mark.django_db


def test_two_initiatives_with_participants_once():
    for i in range(8):
        org = make_organisation(f"Membre {i}", region="16" if i % 2 else "06", kind="sme")
        make_member(org, f"admin{i}@membre.test", OrgRole.ADMIN)
    made = generate_initiatives(seed=3)
    assert [i.opportunity.title for i in made] == ["Achat groupé de panneaux solaires en Montérégie",
                                                  "Filière de recyclage des retailles de composites"]
    solar = made[0]
    assert solar.opportunity.initiator.region == "16"
    assert all(p.organisation.region == "16" for p in solar.participants.all())
    assert all(i.participants.count() >= 3 for i in made)
    assert AuditEntry.objects.filter(action="initiative.created").count() == 2
    assert generate_initiatives(seed=3) == [] and Initiative.objects.count() == 2
