from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow"
    verbose_name = _("Review, signature and issuance")

    def ready(self):
        from conferences.models import ACTIVITY_ACTIONS

        from .models import Action

        # The dashboard's recent activity names the workflow's transitions too.
        ACTIVITY_ACTIONS.update({action.value: action.label for action in Action})
        ACTIVITY_ACTIONS["chain"] = _("set the review chain")
