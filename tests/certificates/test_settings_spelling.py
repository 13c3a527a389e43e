"""The default Khmer signatory title is spelled as the glossary says, on new and
existing sites alike."""

import importlib

import pytest
from django.apps import apps

from certificates.models import CertificateSettings

pytestmark = pytest.mark.django_db

migration = importlib.import_module("certificates.migrations.0004_signatory_title_spelling")


def test_a_new_site_prints_the_dictionary_spelling():
    title = CertificateSettings.load().signatory_title_km
    assert title == "នាយកកម្មវិធីបណ្ដុះបណ្ដាល"
    assert "\u17d2\u178f" not in title  # coeng TA, which the glossary spells as coeng DA


def test_an_old_default_is_respelled_and_a_typed_title_is_left_alone():
    config = CertificateSettings.load()
    config.signatory_title_km = migration.OLD
    config.save()
    migration.respell(apps, None)
    config.refresh_from_db()
    assert config.signatory_title_km == migration.NEW

    config.signatory_title_km = "ប្រធានគ្រប់គ្រងកម្មវិធីបណ្តុះបណ្តាល"
    config.save()
    migration.respell(apps, None)
    config.refresh_from_db()
    assert config.signatory_title_km == "ប្រធានគ្រប់គ្រងកម្មវិធីបណ្តុះបណ្តាល"
