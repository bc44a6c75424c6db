import time

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from grappe.bulletins.demo_data import generate_bulletins
from grappe.events.demo_data import generate_event
from grappe.federation.demo_data import generate_federation
from grappe.governance.demo_data import generate_governance
from grappe.greening.demo_data import generate_greening, generate_initiatives
from grappe.labour.demo_data import generate_labour
from grappe.listening.services import themes as theme_services
from grappe.listening.demo_data import generate_listening
from grappe.listening.models import ThemeRun
from grappe.members import demo_data
from grappe.members.models import Capability, Organisation, Person
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy
from grappe.programs.demo_data import generate_programs

DEMO_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Generate a realistic, deterministic aerospace cluster (about 300 organisations and 1,000 people by "
        "default; --organisations 5000 --people 50000 for the benchmarks) and the demo sign-ins. "
        "Then adds the cluster's activity (members' needs and surveys, a published B2B day, a government program with a closed and an open call, "
        "co-chaired axes, committees and work streams) unless "
        "--cluster-only. Does nothing but print the sign-ins when everything is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=300)
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same cluster")
        parser.add_argument("--cluster-only", action="store_true",
                            help="organisations, people and sign-ins only (the benchmarks' cluster)")

    def handle(self, *args, organisations, people, seed, cluster_only, **options):
        if organisations < 1 or people < organisations:
            raise CommandError("Give at least one organisation and at least as many people as organisations.")
        if not Capability.objects.exists():
            count = load_taxonomy(read_taxonomy())
            self.stdout.write(f"Loaded the shipped capability taxonomy ({count} nodes).")
        existing = Organisation.objects.count()
        if existing:
            self.stdout.write(self.style.WARNING(
                f"Demo data is already there ({existing} organisations, {Person.objects.count()} people): "
                "nothing generated."))
        else:
            started = time.monotonic()
            summary = demo_data.generate_cluster(organisations=organisations, people=people, seed=seed)
            self.stdout.write(self.style.SUCCESS(
                f"Generated {summary.organisations} organisations, {summary.people} people, "
                f"{summary.capabilities} capabilities and {summary.certifications} certifications "
                f"(seed {seed}) in {time.monotonic() - started:.1f} s."))
        accounts = demo_data.ensure_demo_accounts()
        if not cluster_only:
            self._add_activity(seed)
        self._print_sign_ins(accounts)

    def _add_activity(self, seed):
        """What the other capabilities' pages show in a fresh demo; each part is skipped when it is there."""
        # Made-up activity must not mail its hundreds of notices to the console (or to anyone).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            listening = generate_listening(seed=seed)
            if listening.needs:
                theme_services.execute_run(ThemeRun.objects.create().pk)
            event = generate_event(seed=seed)
            started = time.monotonic()
            program = generate_programs(seed=seed)
            program_seconds = time.monotonic() - started
            governance = generate_governance(seed=seed)
            bulletins = generate_bulletins(seed=seed)
            greening = generate_greening(seed=seed)
            initiatives = generate_initiatives(seed=seed)  # after greening's baselines and commitments
            labour = generate_labour(seed=seed)
            federation = generate_federation(seed=seed)  # after labour's availabilities
        if listening.needs:
            self.stdout.write(f"Listening: {listening.needs} needs, {listening.surveys} surveys, "
                              f"{listening.responses} responses, themes found.")
        if event is not None:
            self.stdout.write(
                f"Demo event “{event.event.title}”: {event.participants} participants, {event.requests} requests, "
                f"{event.placed} meetings placed (weight {event.placed_weight} of at most {event.upper_bound}), "
                "published.")
        if program is not None:
            self.stdout.write(
                f"Demo program “{program.program.name_fr}”: {program.applications} applications, "
                f"{program.funded} funded, a closed call and an open one ({program_seconds:.1f} s).")
        if governance["bodies"]:
            self.stdout.write(f"Governance: {len(governance['bodies'])} axes, committees and work streams, "
                              "each co-chaired, with their members.")
        if bulletins is not None:
            self.stdout.write(f"Bulletins: {bulletins.sent} sent over a year ({bulletins.public} public, "
                              f"{bulletins.deliveries} deliveries), {bulletins.scheduled} scheduled, "
                              f"{bulletins.drafts} drafts.")
        if greening["baselines"]:
            self.stdout.write(f"Greening: {greening['baselines']} yearly baselines, "
                              f"{greening['commitments']} commitments.")
        if labour["loans"]:
            self.stdout.write(f"Labour sharing: {labour['availabilities']} availabilities, {labour['needs']} needs, "
                              f"{labour['loans']} loans of staff.")
        if initiatives:
            self.stdout.write(f"Greening: {len(initiatives)} shared initiatives with their participants.")
        if any(federation.values()):
            self.stdout.write(f"Partner clusters: {sum(federation.values())} items shared by the demo organisations "
                              "(they travel once a partnership is active).")

    def _print_sign_ins(self, accounts):
        width = max(len(account.email) for account in accounts)
        lines = [
            "",
            "=" * 78,
            f"  Grappe demo — open {DEMO_URL}",
            f"  Password of every demo account: {demo_data.DEMO_PASSWORD}",
            "",
            *(f"  {account.email.ljust(width)}  {account.role}" for account in accounts),
            "",
            "  Staff must use a TOTP second factor in production; scripts/demo.sh sets",
            "  GRAPPE_STAFF_MFA_REQUIRED=0 so that the demo staff sign in directly.",
            "=" * 78,
        ]
        self.stdout.write("\n".join(lines))
