def grappe(request):
    """What every page's frame needs: the user's organisation and unread notifications count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_organisation": user.organisation,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
