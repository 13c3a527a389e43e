"""The Wagtail admin in the editor's language: what Wagtail 8 leaves in English.

Its Khmer catalogue is in ``lms/locale_overrides/``. A few labels Wagtail
never marks for translation: form fields without a label (Django derives
one from the field's name, in English) and empty or yes/no values on
inspect pages ("None", "True"). They get translatable labels and displays
here (applied when ``lms/wagtail_hooks.py`` loads); templates with
hard-coded English are overridden in ``templates/wagtailadmin/``.
"""

from django.db import models
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import choosers
from wagtail.admin.forms.workflows import WorkflowPageForm
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.fields import register_display_class
from wagtail.users.forms import PagePermissionsForm

LINK_TEXT = _("Link text")
UNLABELLED_FIELDS = {
    choosers.ExternalLinkChooserForm: {"link_text": LINK_TEXT},
    choosers.AnchorLinkChooserForm: {"link_text": LINK_TEXT},
    choosers.EmailLinkChooserForm: {
        "email_address": _("Email address"),
        "link_text": LINK_TEXT,
        "subject": _("Subject"),
        "body": _("Body"),
    },
    choosers.PhoneLinkChooserForm: {"phone_number": _("Phone number"), "link_text": LINK_TEXT},
    PagePermissionsForm: {"page": _("Page")},
    WorkflowPageForm: {"page": _("Page")},
}
for form_class, labels in UNLABELLED_FIELDS.items():
    for name, label in labels.items():
        form_class.base_fields[name].label = label


class FieldValue(Component):
    """A field's value on an inspect page: a dash when empty, yes or no for a
    flag, otherwise as Wagtail shows it (in local time, localised)."""

    def __init__(self, value):
        self.value = value

    def render_html(self, parent_context=None):
        if self.value is None or self.value == "":
            return "—"
        if isinstance(self.value, bool):
            return format_html("{}", _("Yes") if self.value else _("No"))
        return format_html("{}", localize(template_localtime(self.value)))


register_display_class(models.Field, display_class=FieldValue)
# Foreign keys are looked up by the model they point to: any model.
register_display_class(models.ForeignKey, to=models.Model, display_class=FieldValue)
