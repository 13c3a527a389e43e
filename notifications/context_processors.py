from . import services


def unread_notices(request):
    """``unread_notice_count`` for the navigation: one COUNT, only if the page shows it,
    at most once per request."""

    def count():
        if not hasattr(request, "_unread_notice_count"):
            user = getattr(request, "user", None)
            request._unread_notice_count = (
                services.unread_count(user) if user is not None and user.is_authenticated else 0
            )
        return request._unread_notice_count

    return {"unread_notice_count": count}
