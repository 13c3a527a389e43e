"""A small platform with known answers, and staff who read its reports.

Dates fall in the first quarter of 2025 (``RANGE``). Two records sit on the
edges of Cambodia's day: one made at 00:30 on 1 February in Phnom Penh
(still 31 January in UTC) and one at 00:30 on 1 April there (outside the
range, though 31 March in UTC).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.conftest import ensure_baseline_data, login_with_mfa

PP = ZoneInfo("Asia/Phnom_Penh")
RANGE = "start=2025-01-01&end=2025-03-31"


def pp(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PP)


def utc(year, month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


@pytest.fixture
def report_admin(db):
    """A superuser who reads reports in English (signed in by the fixtures below)."""
    from wagtail.users.models import UserProfile

    user = UserFactory(
        email="reports-admin@example.org",
        display_name="Reports Admin",
        is_staff=True,
        is_superuser=True,
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def set_admin_language(user, language: str) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    # The admin follows the person's language (accounts.admin_language).
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


@pytest.fixture
def admin_client(client, report_admin):
    login_with_mfa(client, report_admin)
    return client


@pytest.fixture
def khmer_admin_client(client, report_admin):
    set_admin_language(report_admin, "km")
    login_with_mfa(client, report_admin)
    return client


@dataclass
class World:
    courses: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)
    learners: dict = field(default_factory=dict)
    enrolments: dict = field(default_factory=dict)
    pairs: dict = field(default_factory=dict)


def _lessons(course, count):
    from courses import factories

    return [factories.lesson_page(course, title=f"{course.title} {i}") for i in range(count)]


def _enrol(world, key, learner, course, enrolled_at, done=0, completed_at=None):
    from courses.models import Enrolment, LessonProgress

    enrolment = Enrolment.objects.create(user=learner, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=enrolled_at, completed_at=completed_at, last_activity_at=enrolled_at
    )
    for lesson in world.lessons[course.pk][:done]:
        LessonProgress.objects.create(
            enrolment=enrolment, lesson_key=lesson.translation_key, lesson=lesson
        )
    world.enrolments[key] = enrolment
    return enrolment


def _certificate(enrolment, issued_at, status="valid"):
    from certificates.models import Certificate

    return Certificate.objects.create(
        kind=Certificate.Kind.COURSE,
        award_key=f"course:{enrolment.course_id}:user:{enrolment.user_id}:{status}",
        is_current=status != "revoked",
        recipient=enrolment.user,
        course=enrolment.course,
        source_id=enrolment.pk,
        recipient_name=enrolment.user.display_name,
        title_en=enrolment.course.title,
        issued_at=issued_at,
        issuer_name_km="បណ្ឌិត្យសភា",
        issuer_name_en="CSO Academy",
        status=status,
    )


def build_world(suffix: str = "") -> World:
    """The platform described in the module docstring; ``suffix`` makes a second, disjoint copy."""
    from courses import factories as course_factories
    from mentoring.factories import (
        CheckInFactory,
        MentoringOfferFactory,
        MentoringPairFactory,
        MentoringRequestFactory,
    )
    from mentoring.models import MatchingRound, PairFeedback
    from workshops.factories import RegistrationFactory, WorkshopFactory
    from workshops.models import Attendance

    world = World()
    world.lessons = {}
    catalogue = course_factories.catalogue_page("km")
    for key, title, lessons in (("A", "Financial management", 4), ("B", "Digital security", 2)):
        course = course_factories.course_page(
            catalogue,
            title=f"{title}{suffix}",
            slug=f"{key.lower()}{suffix.lower()}".replace(" ", ""),
        )
        world.courses[key] = course
        world.lessons[course.pk] = _lessons(course, lessons)

    for key, name, province, areas in (
        ("pp", "Phnom Penh Legal Aid", "12", ["legal-aid", "human-rights"]),
        ("kc", "Kampong Cham Women", "03", ["gender-equality"]),
        ("sr", "Siem Reap Youth", "17", []),
    ):
        world.organisations[key] = OrganisationFactory(
            name_en=f"{name}{suffix}",
            name_km=f"{name} km{suffix}",
            province=province,
            focus_areas=areas,
        )

    def learner(key, org, language):
        user = UserFactory(
            email=f"{key.lower()}{suffix.replace(' ', '')}@example.org",
            display_name=f"{key}{suffix}",
            preferred_language=language,
        )
        if org:
            MembershipFactory(user=user, organisation=world.organisations[org])
        world.learners[key] = user
        return user

    for i in range(1, 8):
        learner(f"L{i}", "pp", "km" if i <= 5 else "en")
    for i in range(1, 4):
        learner(f"K{i}", "kc", "km")
    learner("S1", "sr", "en")
    learner("N1", None, "km")

    A, B = world.courses["A"], world.courses["B"]
    L = world.learners
    e = _enrol(world, "L1A", L["L1"], A, pp(2025, 1, 5), 4, pp(2025, 1, 15))
    _certificate(e, pp(2025, 1, 15))
    e = _enrol(world, "L2A", L["L2"], A, pp(2025, 1, 10), 4, pp(2025, 1, 30))
    _certificate(e, pp(2025, 1, 30), status="revoked")
    _enrol(world, "L3A", L["L3"], A, pp(2025, 1, 12), 2)
    _enrol(world, "L4A", L["L4"], A, pp(2025, 1, 20), 1)
    _enrol(world, "K1A", L["K1"], A, utc(2025, 1, 31, 17, 30))  # 1 February in Phnom Penh
    _enrol(world, "N1A", L["N1"], A, pp(2025, 1, 25))
    e = _enrol(world, "L5B", L["L5"], B, pp(2025, 2, 1), 2, pp(2025, 2, 4))
    _certificate(e, pp(2025, 2, 4))
    _enrol(world, "L6B", L["L6"], B, pp(2025, 2, 10))
    _enrol(world, "L7B", L["L7"], B, pp(2025, 2, 11))
    _enrol(world, "K2B", L["K2"], B, pp(2025, 3, 3))
    _enrol(world, "K3B", L["K3"], B, pp(2025, 3, 5))
    _enrol(world, "S1B", L["S1"], B, utc(2025, 3, 31, 16, 30))  # 23:30 on 31 March there
    _enrol(world, "L1B", L["L1"], B, pp(2024, 12, 20))  # before the range
    _enrol(world, "N1B", L["N1"], B, utc(2025, 3, 31, 17, 30))  # 1 April in Phnom Penh

    host_one = UserFactory(
        email=f"host1{suffix.replace(' ', '')}@example.org", display_name=f"Host One{suffix}"
    )
    host_two = UserFactory(
        email=f"host2{suffix.replace(' ', '')}@example.org", display_name=f"Host Two{suffix}"
    )

    def workshop(host, starts, course=None, held=True):
        w = WorkshopFactory(
            host=host,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            course=course,
            audience="course" if course else "signed_in",
        )
        if held:
            type(w).objects.filter(pk=w.pk).update(
                status="ended", started_at=starts, ended_at=starts + datetime.timedelta(hours=2)
            )
        return w

    def attend(w, user, minutes, attended):
        Attendance.objects.create(
            workshop=w,
            user=user,
            first_joined_at=w.starts_at,
            last_left_at=w.starts_at + datetime.timedelta(minutes=minutes),
            minutes=minutes,
            attended=attended,
        )

    w1 = workshop(host_one, pp(2025, 1, 20), A)
    for key in ("L1", "L2", "L3", "K1"):
        RegistrationFactory(workshop=w1, user=L[key])
    attend(w1, L["L1"], 60, True)
    attend(w1, L["L2"], 45, True)
    attend(w1, L["L3"], 10, False)
    attend(w1, L["S1"], 50, True)
    w2 = workshop(host_one, pp(2025, 2, 10))
    for key in ("K2", "K3"):
        RegistrationFactory(workshop=w2, user=L[key])
    attend(w2, L["K2"], 30, True)
    w3 = workshop(host_two, pp(2025, 3, 28), B, held=False)
    RegistrationFactory(workshop=w3, user=L["L5"])

    # Mentoring: one round with three pairs, and one pair made outside a round.
    orgs = world.organisations
    extra = {
        key: OrganisationFactory(name_en=f"{key}{suffix}", province="08")
        for key in ("declined-mentee", "mentor-two", "fresh-mentee")
    }
    matching_round = MatchingRound.objects.create(
        name=f"Round one{suffix}",
        status="approved",
        unmatched=[{"request": 1, "reason": "no_offer"}, {"request": 2, "reason": "language"}],
    )
    MatchingRound.objects.filter(pk=matching_round.pk).update(created_at=pp(2025, 1, 10))

    def pair(key, mentee, mentor, status, **dates):
        p = MentoringPairFactory(
            request=MentoringRequestFactory(organisation=mentee, is_open=False),
            offer=MentoringOfferFactory(organisation=mentor, is_open=False),
            status=status,
            round=dates.pop("round", matching_round),
        )
        type(p).objects.filter(pk=p.pk).update(**dates)
        p.refresh_from_db()
        world.pairs[key] = p
        return p

    p1 = pair("P1", orgs["kc"], orgs["pp"], "active", activated_at=pp(2025, 1, 20))
    CheckInFactory(pair=p1, date=datetime.date(2025, 2, 1))
    pair("P2", extra["declined-mentee"], orgs["pp"], "declined", activated_at=None)
    p3 = pair(
        "P3",
        orgs["sr"],
        extra["mentor-two"],
        "completed",
        activated_at=pp(2025, 1, 25),
        completed_at=pp(2025, 3, 1),
    )
    for side, rating in (("mentee", 5), ("mentor", 4)):
        fb = PairFeedback.objects.create(pair=p3, side=side, rating=rating)
        PairFeedback.objects.filter(pk=fb.pk).update(created_at=pp(2025, 3, 1))
    p4 = pair(
        "P4",
        extra["fresh-mentee"],
        extra["mentor-two"],
        "active",
        round=None,
        activated_at=timezone.now() - datetime.timedelta(days=40),
    )
    CheckInFactory(pair=p4, date=timezone.localdate())
    return world


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The platform, built once per test module in a transaction rolled back at its end.

    Building it (a page tree, people, workshops, pairs) is most of a report
    test's time. Each test still runs in its own savepoint inside this
    transaction (pytest-django's ``db``), so whatever a test changes is
    undone before the next one.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_baseline_data()
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(module_world, db):
    return module_world
