"""The staff see how a bulletin was read in aggregate only: small groups hidden (k from core's AnonymitySetting),
no one's name or address ever shown; and they clear the addresses the mail server refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.bulletins.models import BulletinStatus, Category, Channel, Delivery, LinkClick
from grappe.conftest import make_organisation
from grappe.core.models import AnonymitySetting, AuditEntry, BouncedAddress
from grappe.members.models import OrganisationKind, Person

from .factories import make_bulletin

K = 3


@pytest.fixture
def read_bulletin(bulletins_matrix):
    """Five SMEs of Montréal (two people each, one of whom opened, and followed the tariffs link), three tier-1
    suppliers (one person each, who opened and followed the suppliers' link) and one prime of the
    Capitale-Nationale (one person, who opened and followed a link of its own). The prime alone is under k; the
    aggregation service hides another group with it (the tier-1s, the smallest), else the total would give it
    away."""
    AnonymitySetting.objects.create(k=K)
    smes = [make_organisation(f"PME {i}", neq=f"90000000{i:02d}") for i in range(5)]
    prime = make_organisation("Donneur Unique", neq="8000000000", kind=OrganisationKind.PRIME, region="03")
    tier1s = [make_organisation(f"Rang {i}", neq=f"70000000{i:02d}", kind=OrganisationKind.TIER1) for i in range(3)]
    bulletin = make_bulletin(title="Tarifs", category=Category.ECONOMIC, status=BulletinStatus.SENT,
                             audience=[*smes, *tier1s, prime])
    now = timezone.now()
    for i, organisation in enumerate([*smes, *tier1s, prime]):
        for j in range(2 if organisation in smes else 1):
            person = Person.objects.create(organisation=organisation, first_name=f"Prénom{i}{j}",
                                           last_name=f"Secret{i}{j}", email=f"p{i}{j}@org.test",
                                           consent_communications=True)
            opened = j == 0
            delivery = Delivery.objects.create(bulletin=bulletin, person=person, channel=Channel.IMMEDIATE,
                                               opened_at=now if opened else None, clicked_at=now if opened else None)
            if opened:
                url = ("https://www.quebec.ca/unique" if organisation is prime else "https://www.quebec.ca/tarifs"
                       if organisation in smes else "https://www.quebec.ca/fournisseurs")
                LinkClick.objects.create(delivery=delivery, url=url)
    return bulletin


def test_the_statistics_show_aggregates_and_hide_small_groups(bulletins_matrix, read_bulletin, client):
    client.force_login(bulletins_matrix.staff)
    response = client.get(reverse("bulletins:statistics", args=[read_bulletin.pk]))
    page = response.content.decode()
    figures = response.context["figures"]
    assert (figures.total.reached.organisations, figures.total.reached.total) == (9, 14)
    assert (figures.total.opened.organisations, figures.total.opened.total) == (9, 9)
    sme = next(line for line in figures.by_kind if line.label == str(OrganisationKind.SME.label))
    prime = next(line for line in figures.by_kind if line.label == str(OrganisationKind.PRIME.label))
    assert (sme.reached.organisations, sme.reached.total, sme.open_rate) == (5, 10, 0.5)
    assert prime.reached.suppressed and prime.open_rate is None, "one organisation: fewer than k"
    links = {cell.key: cell for cell in figures.links.cells}
    assert links["https://www.quebec.ca/tarifs"].organisations == 5
    assert links["https://www.quebec.ca/unique"].suppressed
    assert "moins de 3 organisations" in page or "fewer than 3 organisations" in page
    assert "<img" in page, "the chart of opens over the days"
    for secret in ("Secret", "Prénom", "@org.test", "Donneur Unique", "PME 0"):
        assert secret not in page, f"{secret} is someone's: never on the statistics page"


def test_the_overview_gives_each_category_over_twelve_months(bulletins_matrix, read_bulletin, client):
    client.force_login(bulletins_matrix.staff)
    response = client.get(reverse("bulletins:statistics-overview"))
    economic = next(c for c in response.context["categories"] if c.label == str(Category.ECONOMIC.label))
    # the matrix's own bulletin to A was sent too, without deliveries
    assert economic.bulletins == 2 and economic.line.reached.total == 14
    assert economic.line.open_rate == pytest.approx(9 / 14)
    assert "Secret" not in response.content.decode()


def test_the_staff_see_refused_addresses_with_whose_they_are_and_clear_one(bulletins_matrix, client):
    ctx = bulletins_matrix
    bounce = BouncedAddress.objects.create(email="lea@alpha.test", reason="550 5.1.1 user unknown")
    client.force_login(ctx.staff)
    page = client.get(reverse("bulletins:bounces")).content.decode()
    assert "lea@alpha.test" in page and "Léa Roy" in page and "Alpha Usinage" in page and "550 5.1.1" in page
    response = client.post(reverse("bulletins:bounce-clear", args=[bounce.pk]))
    assert response.status_code == 302
    assert not BouncedAddress.objects.exists()
    entry = AuditEntry.objects.get(action="mail.bounce_cleared")
    assert entry.actor == ctx.staff and entry.target_label == "lea@alpha.test"


def test_opens_are_counted_from_the_first_delivery_so_none_falls_outside_the_days(read_bulletin):
    from grappe.bulletins import statistics

    # A big bulletin: its sending ended (sent_at) two days after its first deliveries and opens.
    type(read_bulletin).objects.filter(pk=read_bulletin.pk).update(
        sent_at=timezone.now() + timezone.timedelta(days=2))
    read_bulletin.refresh_from_db()
    figures = statistics.bulletin_figures(read_bulletin)
    assert figures.opens_by_day[0].total == 9
    assert sum(cell.total or 0 for cell in figures.opens_by_day.cells) == 9


def test_a_digest_click_on_the_bulletins_own_page_is_not_one_of_its_links(read_bulletin):
    from django.utils import translation

    from grappe.bulletins.services import tracking
    from grappe.core.links import absolute_url

    delivery = Delivery.objects.filter(bulletin=read_bulletin, opened_at__isnull=True).first()
    with translation.override("en"):
        own_page = absolute_url(reverse("bulletins:detail", args=[read_bulletin.pk]))
    tracking.record_click(delivery.pk, own_page)

    delivery.refresh_from_db()
    assert delivery.clicked_at is not None and delivery.opened_at is not None
    assert not LinkClick.objects.filter(url=own_page).exists()
