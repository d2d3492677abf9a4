from django.core.management.base import BaseCommand

from directory.services import units_load


class Command(BaseCommand):
    help = "Load Vietnam's administrative units (before and after 1 July 2025) from the vietnam-provinces package."

    def add_arguments(self, parser):
        parser.add_argument(
            "--communes",
            default="all",
            help="Legacy province codes whose communes to load, comma-separated, or 'all' (default).",
        )

    def handle(self, *args, communes: str, **options):
        provinces = None if communes == "all" else [int(c) for c in communes.split(",") if c.strip()]
        created = units_load(commune_provinces=provinces)
        self.stdout.write(self.style.SUCCESS(f"{created} administrative units created."))
