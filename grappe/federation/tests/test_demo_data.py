"""The demo's shared items: a few of each kind the demo cluster has, shared through the service by each item's
organisation's administrator (one audit entry each), nothing travelling without a partner; a second run changes
nothing."""

import pytest

from grappe.core.models import AuditEntry
from grappe.federation import items
from grappe.federation.demo_data import generate_federation
from grappe.federation.models import ItemKind, OutgoingActivity, SharedItem
from grappe.labour.demo_data import generate_labour
from grappe.members import demo_data
from grappe.members.models import OrgRole, Person
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

pytestmark = pytest.mark.django_db


def test_the_demo_organisations_share_a_few_items_of_each_kind():
    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=30, people=120, seed=2026)
    demo_data.ensure_demo_accounts()
    generate_labour(seed=2026)

    made = generate_federation(seed=2026)

    assert made[ItemKind.AVAILABILITY] == 2 and made[ItemKind.PROFILE] == 2
    assert sum(made.values()) == SharedItem.objects.count()
    for shared in SharedItem.objects.all():
        item = items.load(shared.kind, shared.object_id)
        assert items.is_shareable(shared.kind, item)
        assert Person.objects.filter(user=shared.shared_by, organisation=shared.organisation,
                                     org_role=OrgRole.ADMIN).exists()
    assert AuditEntry.objects.filter(action="item.shared").count() == SharedItem.objects.count()
    assert not OutgoingActivity.objects.exists()  # no partner: nothing travels yet

    assert generate_federation(seed=2026) == made  # a second run adds nothing
    assert AuditEntry.objects.filter(action="item.shared").count() == SharedItem.objects.count()


def test_without_items_nothing_is_shared():
    assert sum(generate_federation().values()) == 0
