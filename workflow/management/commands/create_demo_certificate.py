"""Make a self-signed signing certificate for the local default.

python manage.py create_demo_certificate            # writes SIGNING_PKCS12 unless it exists
python manage.py create_demo_certificate --force    # replaces it

The file is encrypted with SIGNING_PKCS12_PASSPHRASE when that is set.
"""

from django.core.management.base import BaseCommand

from workflow import certificates, signing


class Command(BaseCommand):
    help = "Write a self-signed PKCS#12 certificate to SIGNING_PKCS12 (for the demo and local use, not production)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")
        parser.add_argument(
            "--organisation", default=certificates.DEMO_ORGANISATION, help="Organisation named in the certificate."
        )
        parser.add_argument("--common-name", default=certificates.DEMO_COMMON_NAME, help="Common name of the certificate.")

    def handle(self, *args, force, organisation, common_name, **options):
        path = signing.pkcs12_path()
        if path.exists() and not force:
            self.stdout.write(f"{path} exists; kept (use --force to replace it).")
            return
        certificates.write_demo_certificate(
            path, passphrase=signing.passphrase(), organisation=organisation, common_name=common_name
        )
        self.stdout.write(self.style.SUCCESS(f"Self-signed certificate written to {path}."))
