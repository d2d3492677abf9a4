from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import devices_load
from conferences.demo.loader import plans_load
from contributions.demo import requests_load
from directory.demo import users_load
from directory.services import units_load
from indices.demo import indices_load
from workflow.demo import director_load, ensure_certificate, workflow_load

# Legacy province codes of the seed plans: Quảng Nam, Ninh Thuận, Đồng Tháp.
SEED_PROVINCES = [49, 58, 87]
DEFAULT_PASSWORD = "HoiNghi@2026"  # noqa: S105 - demo accounts only


class Command(BaseCommand):
    help = "Load the demo data: administrative units, the five seed plans, index results and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for newly created demo users.")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Address printed for logging in.")
        parser.add_argument(
            "--invitations", action="store_true", help="Also an issued copy of seed 000 with its Giấy mời sent (slower)."
        )

    def handle(self, *args, password: str, url: str, invitations: bool = False, **options):
        if ensure_certificate():
            self.stdout.write("Self-signed demo signing certificate created (create_demo_certificate).")
        with transaction.atomic():
            units = units_load(commune_provinces=SEED_PROVINCES)
            plans = plans_load()
            results = indices_load()
            users = users_load(password=password)
            director = director_load(password=password)
            users += [director] if director else []
            devices_load([user for user, _ in users])
            issued = workflow_load()
            requests = requests_load()
        self.stdout.write(
            f"Administrative units created: {units}; plans created: {len(plans)}; index results created: {results}; "
            f"plans issued and signed: {len(issued)}; contribution requests created: {requests}."
        )
        if invitations:
            from invitations.demo import invitations_load

            self.stdout.write(f"Demo invitations created: {invitations_load()}.")
            self.stdout.write(f"Contribution requests of the issued copy: {requests_load()}.")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Log in at {url}"))
        for user, created in users:
            shown = password if created else "(unchanged)"
            self.stdout.write(f"  {user.username:<10} {shown:<14} {user.get_role_display()}")
        self.stdout.write(
            "Reviewers, clerks and administrators also need a two-factor code: the demo accounts share the demo "
            "authenticator key (README); print the current code with `python manage.py demo_otp_code <username>`."
        )
