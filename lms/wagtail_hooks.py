"""Site-wide admin pieces: what makes Wagtail's admin speak Khmer throughout."""

import copy

from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.utils.version import get_main_version

from . import admin_i18n  # noqa: F401 - labels and displays Wagtail leaves in English


@hooks.register("construct_help_menu")
def whats_new_in_each_persons_language(request, menu_items):
    """Wagtail formats the label of its "What's new" help item once, in the
    language of whoever first opens a menu; label it for each request."""
    version = get_main_version(include_patch=False)
    for position, item in enumerate(menu_items):
        if item.name == f"whats-new-in-wagtail-{version}":
            item = copy.copy(item)
            item.label = _("What's new in Wagtail %(version)s") % {"version": version}
            menu_items[position] = item
