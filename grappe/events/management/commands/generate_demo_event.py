from django.core.management.base import BaseCommand

from grappe.events import demo_data


class Command(BaseCommand):
    help = ("Add the demo B2B day to the demo cluster (run generate_demo first): about 60 participants, "
            "their requests, a schedule computed by the scheduler and published. Does nothing when it is "
            "there.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same day")

    def handle(self, *args, seed, **options):
        made = demo_data.generate_event(seed=seed)
        if made is None:
            self.stdout.write(self.style.WARNING(
                "The demo event is already there (or there is no demo cluster)."))
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demo event “{made.event.title}”: {made.participants} participants, {made.requests} requests, "
            f"{made.placed} meetings placed (weight {made.placed_weight} of at most {made.upper_bound}), "
            "published."))
