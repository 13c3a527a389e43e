"""Vocabularies shared across the platform.

The focus-area taxonomy is used by organisations, the course catalogue
(topics) and the mentoring matcher; working languages by organisations,
courses and the matcher. Codes are stable and stored; labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FocusAreaCode(models.TextChoices):
    HUMAN_RIGHTS = "human-rights", _("Human rights")
    GENDER_EQUALITY = "gender-equality", _("Gender equality")
    LABOUR_RIGHTS = "labour-rights", _("Labour rights")
    LAND_AND_HOUSING = "land-housing", _("Land and housing")
    ENVIRONMENT = "environment", _("Environment")
    LEGAL_AID = "legal-aid", _("Legal aid")
    CIVIC_EDUCATION = "civic-education", _("Civic education")
    ADVOCACY = "advocacy", _("Advocacy")
    FUNDRAISING = "fundraising", _("Fundraising")
    FINANCIAL_MANAGEMENT = "financial-management", _("Financial management")
    ORGANISATIONAL_MANAGEMENT = "organisational-management", _("Organisational management")
    DIGITAL_SECURITY = "digital-security", _("Digital security")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    MEDIA_AND_COMMUNICATION = "media-communication", _("Media and communication")


class LanguageCode(models.TextChoices):
    """Working languages of organisations and languages of courses."""

    KHMER = "km", _("Khmer")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    CHINESE = "zh", _("Chinese")
    VIETNAMESE = "vi", _("Vietnamese")
    THAI = "th", _("Thai")
    CHAM = "cja", _("Cham")
    BUNONG = "cmo", _("Bunong")
    KUY = "kdt", _("Kuy")
    TAMPUAN = "tpu", _("Tampuan")
