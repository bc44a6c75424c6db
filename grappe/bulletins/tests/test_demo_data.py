"""The demo's bulletins: a year of every category, in French and English (some French only), targeted and sent
as sending does (audience frozen, one delivery per person reached, consent and unsubscriptions respected), linked
to the demo's call, event and committees; a scheduled one and drafts; a second run changes nothing."""

import pytest
from django.db.models import Q

from grappe.bulletins import feed
from grappe.bulletins.demo_data import generate_bulletins
from grappe.bulletins.models import (
    Audience,
    Bulletin,
    BulletinStatus,
    Category,
    Delivery,
    MailPreference,
    Unsubscription,
)
from grappe.events.demo_data import generate_event
from grappe.governance.demo_data import generate_governance
from grappe.members import demo_data
from grappe.members.models import Organisation
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy
from grappe.programs.demo_data import generate_programs

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    load_taxonomy(read_taxonomy())
    demo_data.generate_cluster(organisations=40, people=120, seed=2026)
    demo_data.ensure_demo_accounts()
    generate_event(seed=2026)
    generate_programs(seed=2026)
    generate_governance(seed=2026)
    return generate_bulletins(seed=2026)


def test_a_year_of_bulletins_of_every_category_in_both_languages(demo):
    sent = Bulletin.objects.filter(status=BulletinStatus.SENT)
    assert demo.sent == sent.count() >= 20
    assert set(sent.values_list("category", flat=True)) == set(Category.values)
    spread = sent.order_by("sent_at").values_list("sent_at", flat=True)
    assert (spread.last() - spread.first()).days >= 300
    assert sent.filter(title_en="").exists() and sent.exclude(title_en="").exists()
    assert sent.filter(is_public=True).exists() and sent.filter(is_public=False).exists()
    assert Bulletin.objects.filter(status=BulletinStatus.SCHEDULED).count() == 1
    assert Bulletin.objects.filter(status=BulletinStatus.DRAFT).count() == 2
    assert sent.filter(call__isnull=False).values("call").distinct().count() == 2  # the closed call, the open one
    assert sent.filter(event__isnull=False).exists()
    assert sent.filter(bodies__isnull=False).exists()
    assert all("<script" not in b.body_fr and "<p>" in b.body_fr for b in sent)
    # One generation for every check (building the demo takes a minute).
    _each_bulletin_reached_its_target_and_respected_consent(demo)
    _a_member_organisation_has_a_feed_and_a_second_run_changes_nothing(demo)


def _each_bulletin_reached_its_target_and_respected_consent(demo):
    assert demo.deliveries == Delivery.objects.count() > 0
    for bulletin in Bulletin.objects.filter(status=BulletinStatus.SENT):
        assert Audience.objects.filter(bulletin=bulletin).exists()
        reached = Delivery.objects.filter(bulletin=bulletin)
        assert not reached.exclude(person__organisation__in=Audience.objects.filter(
            bulletin=bulletin).values("organisation")).exists()
        if bulletin.category != Category.NOTICE:
            assert not reached.filter(person__consent_communications=False).exists()
            assert not reached.filter(person__unsubscriptions__topic=bulletin.category).exists()
    assert Delivery.objects.filter(opened_at__isnull=False).exists()
    assert Delivery.objects.filter(clicked_at__isnull=False).exists()
    assert MailPreference.objects.exists() and Unsubscription.objects.count() >= 2
    targeted = Bulletin.objects.filter(Q(kinds__len__gt=0) | Q(certification_types__isnull=False)).first()
    if targeted is not None:
        assert Audience.objects.filter(bulletin=targeted).count() < Organisation.objects.count()


def _a_member_organisation_has_a_feed_and_a_second_run_changes_nothing(demo):
    organisation = Audience.objects.values_list("organisation", flat=True).first()
    assert feed.feed_for(Organisation.objects.get(pk=organisation))
    count = Bulletin.objects.count()
    assert generate_bulletins(seed=2026) is None and Bulletin.objects.count() == count
