from .selectors import unread_count


def notifications(request) -> dict:
    """Unread notifications of the user, for the menu (one query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
