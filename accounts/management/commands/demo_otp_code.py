"""Print the current two-factor code of a demo account (demo data only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import DEMO_KEY
from directory.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a user whose device has the demo key (or of anyone when DEBUG is on)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"))
        if not devices:
            raise CommandError(f"{username} has no confirmed authenticator device.")
        device = next((d for d in devices if d.key == DEMO_KEY), None)
        if device is None:
            if not settings.DEBUG:
                raise CommandError(f"{username}'s device is not the demo key; refused (DEBUG is off).")
            device = devices[0]
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
