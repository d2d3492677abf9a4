from django.utils.functional import SimpleLazyObject


def task_failures(request) -> dict:
    """Open task failures for the administrators' menu badge (queried only when the menu shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_admin_role", False):
        return {}
    from .models import TaskFailure

    return {"open_task_failures": SimpleLazyObject(lambda: TaskFailure.objects.filter(resolved_at__isnull=True).count())}
