import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import IDLE_SESSION_KEY, NO_DEVICE_SESSION_KEY
from .otp import needs_second_factor


@receiver(user_logged_in)
def _start_session(sender, request, user, **kwargs):
    """What the middlewares would otherwise write on the first request: the
    idle clock, and whether this user has no second factor to ask for."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[IDLE_SESSION_KEY] = int(time.time())
    if not needs_second_factor(user):
        request.session[NO_DEVICE_SESSION_KEY] = user.pk
