from lms import hooks


def site(request):
    """Navigation items contributed by the apps, for the base layout."""
    return {"nav_items": hooks.nav_items(request)}
