from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_data_version(sender, using="default", **kwargs):
    from . import freshness

    freshness.install(using)


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # After every migrate: the triggers that keep the figures' cache version.
        post_migrate.connect(
            _install_data_version, sender=self, dispatch_uid="reports-data-version"
        )
