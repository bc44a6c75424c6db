"""The demo's partnership between two running Grappe instances (scripts/demo.sh --with-partner): each instance
runs this command with the other's address. It approves the peer through the services, as the staff would on the
partners' page (the demo staff account approves; every kind of item may travel), then waits for the partnership
to become active: the first side's Follow is refused while the peer does not know it yet, the second side's
Follow is answered, and from then on each side sends the other what its members shared. Running it again changes
nothing."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.core.exceptions import ValidationError

from grappe.federation.models import ItemKind, Partner, PartnerStatus
from grappe.federation.services import delivery, partnerships
from grappe.members.models import Role, User


class Command(BaseCommand):
    help = ("Approve another running Grappe instance as a partner cluster (the demo's partnership): "
            "run it on both instances, each with the other's address.")

    def add_arguments(self, parser):
        parser.add_argument("--peer", required=True, help="the other instance's address, e.g. http://localhost:8001")
        parser.add_argument("--wait", type=float, default=0,
                            help="seconds to wait for the partnership to become active (the peer's approval)")

    def handle(self, *args, peer, wait, **options):
        staff = User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).order_by("pk").first()
        if staff is None:
            raise CommandError("No staff administrator here: run generate_demo first.")
        try:
            discovered = partnerships.discover(peer)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        partner = Partner.objects.filter(actor_url=discovered.actor_url).first()
        if partner is None or partner.status == PartnerStatus.REVOKED:
            partner = partnerships.approve(staff, discovered, list(ItemKind.values))
            self.stdout.write(f"Approved {discovered.name} ({discovered.actor_url}), key {discovered.fingerprint}.")
        deadline = time.monotonic() + wait
        while True:
            delivery.deliver_due()
            partner.refresh_from_db()
            if partner.is_active or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        self.stdout.write(f"Partnership with {partner.name}: {partner.get_status_display()}; "
                          f"{partner.items.filter(withdrawn_at=None).count()} items received from it.")
