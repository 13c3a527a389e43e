"""Factories for workshops, used by tests and ``seed_demo``."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.factories import UserFactory

from .models import Registration, Workshop


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    title_km = factory.Sequence(lambda n: f"សិក្ខាសាលា {n}")
    description_en = "Bring your questions."
    description_km = "សូមយកសំណួររបស់អ្នកមកជាមួយ។"
    host = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 50
    audience = Workshop.Audience.SIGNED_IN


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration
        django_get_or_create = ("workshop", "user")

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
