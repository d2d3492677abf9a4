from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from . import logs, signals

        logs.install_record_factory()
        signals.connect()
