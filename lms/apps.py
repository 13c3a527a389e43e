from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "lms"
    verbose_name = _("CSO Academy site")

    def ready(self):
        from django.conf import locale

        # Django names Khmer "Khmer" in Khmer too; menus that name each
        # language in itself (the admin's language choice) need its own name.
        locale.LANG_INFO["km"] = {**locale.LANG_INFO["km"], "name_local": "ខ្មែរ"}
