"""Factories for mentoring, used by tests and ``seed_demo``.

They write rows directly (as fixtures do); application code goes through
``mentoring.services``.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.factories import OrganisationFactory

from .models import (
    CheckIn,
    MatchingRound,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
    PlanGoal,
)


class MentoringRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringRequest

    organisation = factory.SubFactory(OrganisationFactory, year_founded=2022, staff_size=4)
    needs = factory.LazyFunction(lambda: {"financial-management": "must", "fundraising": "want"})
    goals = "Write our first donor report and keep clean books."
    working_languages = factory.LazyFunction(lambda: ["km"])
    mode = "either"
    availability = factory.LazyFunction(lambda: ["tue-am", "thu-pm"])


class MentoringOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringOffer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, year_founded=2000, staff_size=40)
    focus_areas = factory.LazyFunction(lambda: ["financial-management", "fundraising"])
    capacity = 2
    description = "We prepare audits every year and coach small groups on donor reports."
    working_languages = factory.LazyFunction(lambda: ["km", "en"])
    mode = "either"
    availability = factory.LazyFunction(lambda: ["tue-am"])

    @factory.post_generation
    def mentors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.mentors.set(extracted)


class MatchingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingRound

    name = factory.Sequence(lambda n: f"Round {n}")


class MentoringPairFactory(factory.django.DjangoModelFactory):
    """An active pair by default (pass ``status="proposed"`` for one awaiting answers)."""

    class Meta:
        model = MentoringPair

    request = factory.SubFactory(MentoringRequestFactory)
    offer = factory.SubFactory(MentoringOfferFactory)
    mentee = factory.LazyAttribute(lambda o: o.request.organisation)
    mentor = factory.LazyAttribute(lambda o: o.offer.organisation)
    status = MentoringPair.Status.ACTIVE
    score = 812
    breakdown = factory.LazyFunction(
        lambda: {"focus": 500, "province": 100, "availability": 200, "maturity": 12}
    )
    reasons = factory.LazyFunction(
        lambda: [
            {
                "kind": "focus",
                "values": [["financial-management", "must"], ["fundraising", "want"]],
            },
            {"kind": "languages", "values": ["km"]},
            {"kind": "availability", "values": ["tue-am"]},
        ]
    )
    mentee_accepted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != MentoringPair.Status.PROPOSED else None
    )
    mentor_accepted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != MentoringPair.Status.PROPOSED else None
    )
    activated_at = factory.LazyAttribute(
        lambda o: (
            timezone.now() - timedelta(days=30)
            if o.status != MentoringPair.Status.PROPOSED
            else None
        )
    )


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGoal

    pair = factory.SubFactory(MentoringPairFactory)
    title = "Close the books every month"


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    pair = factory.SubFactory(MentoringPairFactory)
    date = factory.LazyFunction(timezone.localdate)
    covered = "Went through the cash book together."
