"""Bulletins for tests, written straight to the database (the services have their own tests)."""

from django.utils import timezone

from grappe.bulletins.models import Audience, Bulletin, BulletinStatus, Category


def make_bulletin(*, title="Nouvelles normes AS9100", category=Category.REGULATORY, status=BulletinStatus.DRAFT,
                  is_public=False, audience=(), **fields) -> Bulletin:
    """A bulletin; a sent one has its audience (organisations) frozen as sending does."""
    if status == BulletinStatus.SENT:
        fields.setdefault("sent_at", timezone.now())
    if status == BulletinStatus.SCHEDULED:
        fields.setdefault("scheduled_for", timezone.now() + timezone.timedelta(days=1))
    bulletin = Bulletin.objects.create(
        title_fr=title, title_en=fields.pop("title_en", f"{title} (EN)"), category=category, status=status,
        is_public=is_public, body_fr=fields.pop("body_fr", "<p>Ce qui change.</p>"),
        body_en=fields.pop("body_en", "<p>What changes.</p>"), **fields)
    Audience.objects.bulk_create([Audience(bulletin=bulletin, organisation=o) for o in audience])
    return bulletin
