"""A national-scale platform in bulk, for ``bench/reports.py``.

``seed(scale)`` adds what a platform of ``scale`` (1 is national: 100,000
enrolments of 20,000 learners in 200 courses, 2,000 workshops with
attendance, 1,000 mentoring pairs) has beyond what an earlier, smaller call
made, so a benchmark can measure at a tenth and then at full scale on the
same database. Records are spread over the two years before today, with
fixed pseudo-random choices so that every run seeds the same platform.
Rows go in with ``bulk_create``; courses and lessons go through Wagtail's
page tree, as an editor's would.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

FULL = {
    "learners": 20_000,
    "organisations": 2_000,
    "courses": 200,
    "lessons": 5,
    "enrolments_each": 5,
    "workshops": 2_000,
    "hosts": 50,
    "pairs": 1_000,
    "rounds": 10,
}
DAYS = 730
BATCH = 2_000


@contextlib.contextmanager
def _own_timestamps(*fields):
    """Let bulk_create keep the dates given, for fields that are ``auto_now_add``."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _bulk(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)


def counts(scale: float) -> dict[str, int]:
    return {key: max(1, round(value * scale)) for key, value in FULL.items()}


def seed(scale: float, previous: float = 0.0) -> dict[str, int]:
    """Grow the platform from ``previous`` to ``scale``; returns what it now holds."""
    before = counts(previous) if previous else dict.fromkeys(FULL, 0)
    after = counts(scale)
    after["lessons"] = FULL["lessons"]
    after["enrolments_each"] = FULL["enrolments_each"]
    with transaction.atomic():
        _seed(before, after)
    return after


def _seed(before, after):  # noqa: C901 - one pass per table, in dependency order
    from accounts.models import FocusArea, Membership, Organisation, User
    from accounts.taxonomy import FocusAreaCode
    from certificates.models import Certificate
    from courses import factories as course_factories
    from courses.models import Enrolment, LessonPage, LessonProgress
    from mentoring.models import (
        CheckIn,
        MatchingRound,
        MentoringOffer,
        MentoringPair,
        MentoringRequest,
        PairFeedback,
    )
    from workshops.models import Attendance, Registration, Workshop

    rng = random.Random(f"{before['learners']}-{after['learners']}")  # noqa: S311 - not security
    now = timezone.now()

    def moment(index: int) -> datetime.datetime:
        return now - datetime.timedelta(days=DAYS * ((index * 7919) % 10_000) / 10_000)

    # Organisations, with focus areas.
    provinces = [f"{i:02d}" for i in range(1, 26)]
    areas = list(FocusArea.objects.filter(code__in=FocusAreaCode.values))
    new_orgs = range(before["organisations"], after["organisations"])
    _bulk(
        Organisation,
        [
            Organisation(
                name_en=f"Bench organisation {i}",
                name_km=f"អង្គការ {i}",
                slug=f"bench-org-{i}",
                province=provinces[(i * i + 3 * i) % 25],
                year_founded=1995 + i % 28,
                staff_size=3 + i % 40,
                working_languages=["km"] if i % 3 else ["km", "en"],
            )
            for i in new_orgs
        ],
    )
    organisations = list(Organisation.objects.filter(slug__startswith="bench-org-").order_by("pk"))
    through = Organisation.focus_areas.through
    _bulk(
        through,
        [
            through(
                organisation_id=organisations[i].pk, focusarea_id=areas[(i + k * 5) % len(areas)].pk
            )
            for i in new_orgs
            for k in range(1 + i % 3)
        ],
    )

    # Learners, nine in ten members of an organisation; and workshop hosts.
    new_learners = range(before["learners"], after["learners"])
    _bulk(
        User,
        [
            User(
                email=f"learner{i}@bench.example.org",
                display_name=f"Learner {i}",
                preferred_language="en" if i % 5 == 0 else "km",
                password="!",  # noqa: S106 - an unusable password
            )
            for i in new_learners
        ],
    )
    learners = {
        int(email.removeprefix("learner").split("@")[0]): pk
        for pk, email in User.objects.filter(email__endswith="@bench.example.org")
        .filter(email__startswith="learner")
        .values_list("pk", "email")
    }
    _bulk(
        Membership,
        [
            Membership(
                user_id=learners[i], organisation_id=organisations[i % len(organisations)].pk
            )
            for i in new_learners
            if i % 10
        ],
    )
    _bulk(
        User,
        [
            User(
                email=f"host{i}@bench.example.org",
                display_name=f"Host {i}",
                password="!",  # noqa: S106 - an unusable password
            )
            for i in range(before["hosts"], after["hosts"])
        ],
    )
    hosts = list(
        User.objects.filter(email__startswith="host", email__endswith="@bench.example.org")
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    # Courses and lessons through the page tree.
    catalogue = course_factories.catalogue_page("km")
    for i in range(before["courses"], after["courses"]):
        course = course_factories.course_page(
            catalogue,
            title=f"វគ្គសិក្សា {i} · Course {i}",
            slug=f"bench-course-{i}",
            languages=["km"],
        )
        for n in range(after["lessons"]):
            course.add_child(instance=LessonPage(title=f"Lesson {n + 1}", slug=f"lesson-{n + 1}"))
    from courses.models import CoursePage

    courses = list(
        CoursePage.objects.filter(slug__startswith="bench-course-")
        .order_by("pk")
        .values_list("pk", "translation_key", "path")
    )
    lesson_keys = {}
    for pk, _key, path in courses:
        lesson_keys[pk] = list(
            LessonPage.objects.filter(path__startswith=path)
            .order_by("path")
            .values_list("translation_key", flat=True)
        )

    # Enrolments of the new learners: five courses each, a third completed.
    enrolment_fields = [Enrolment._meta.get_field(n) for n in ("enrolled_at", "last_activity_at")]
    new_enrolments = []
    for u in new_learners:
        for j in range(after["enrolments_each"]):
            course_pk, course_key, _path = courses[(j * 7 + u * 13) % len(courses)]
            enrolled = moment(u * 5 + j)
            completed = (
                min(enrolled + datetime.timedelta(days=1 + (u + j) % 60), now)
                if (u + j) % 3 == 0
                else None
            )
            new_enrolments.append(
                Enrolment(
                    user_id=learners[u],
                    course_id=course_pk,
                    course_key=course_key,
                    enrolled_at=enrolled,
                    completed_at=completed,
                    last_activity_at=completed or enrolled,
                )
            )
    with _own_timestamps(*enrolment_fields):
        _bulk(Enrolment, new_enrolments)
    created = list(
        Enrolment.objects.filter(user_id__in=[learners[u] for u in new_learners]).values_list(
            "pk", "user_id", "course_id", "enrolled_at", "completed_at"
        )
    )
    progress, certificates = [], []
    for pk, user_id, course_id, enrolled, completed in created:
        keys = lesson_keys[course_id]
        done = len(keys) if completed else (pk * 31) % len(keys)
        progress.extend(
            LessonProgress(
                enrolment_id=pk,
                lesson_key=key,
                completed_at=enrolled + datetime.timedelta(hours=n + 1),
            )
            for n, key in enumerate(keys[:done])
        )
        if completed and pk % 10:
            certificates.append(
                Certificate(
                    kind=Certificate.Kind.COURSE,
                    award_key=f"course:{course_id}:user:{user_id}",
                    recipient_id=user_id,
                    course_id=course_id,
                    source_id=pk,
                    recipient_name="Bench learner",
                    title_km="វគ្គសិក្សា",
                    title_en="Course",
                    issued_at=completed,
                    issuer_name_km="បណ្ឌិត្យសភា",
                    issuer_name_en="CSO Academy",
                    token=uuid.uuid4().hex,
                    code=uuid.uuid4().hex[:9],
                )
            )
    with _own_timestamps(LessonProgress._meta.get_field("completed_at")):
        _bulk(LessonProgress, progress)
    _bulk(Certificate, certificates)

    # Workshops, nine in ten held, with registrations and attendance.
    learner_ids = [learners[u] for u in range(after["learners"])]
    new_workshops = range(before["workshops"], after["workshops"])
    workshops = []
    for i in new_workshops:
        starts = moment(i * 3 + 1)
        held = i % 10 != 0 and starts < now
        workshops.append(
            Workshop(
                title_en=f"Workshop {i}",
                title_km=f"សិក្ខាសាលា {i}",
                host_id=hosts[i % len(hosts)],
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                course_id=courses[i % len(courses)][0] if i % 5 else None,
                audience="course" if i % 5 else "signed_in",
                status="ended" if held else "scheduled",
                started_at=starts if held else None,
                ended_at=starts + datetime.timedelta(hours=2) if held else None,
            )
        )
    _bulk(Workshop, workshops)
    saved = list(
        Workshop.objects.filter(title_en__startswith="Workshop ")
        .order_by("pk")
        .values_list("pk", "starts_at", "status")[before["workshops"] :]
    )
    registrations, attendance = [], []
    for n, (pk, starts, status) in enumerate(saved):
        people = rng.sample(learner_ids, 18)
        registrations.extend(Registration(workshop_id=pk, user_id=u) for u in people[:15])
        if status == "ended":
            for k, u in enumerate(people[3:]):
                minutes = 10 + (n + k) * 17 % 110
                attendance.append(
                    Attendance(
                        workshop_id=pk,
                        user_id=u,
                        first_joined_at=starts,
                        last_left_at=starts + datetime.timedelta(minutes=minutes),
                        minutes=minutes,
                        attended=minutes >= 30,
                    )
                )
    _bulk(Registration, registrations)
    _bulk(Attendance, attendance)

    # Mentoring: rounds, pairs (each with its own closed request and offer), check-ins
    # and feedback.
    with _own_timestamps(MatchingRound._meta.get_field("created_at")):
        _bulk(
            MatchingRound,
            [
                MatchingRound(
                    name=f"Bench round {i}",
                    status="approved",
                    created_at=moment(i * 101 + 7),
                    unmatched=[{"request": k, "reason": "no_offer"} for k in range(i % 7)],
                )
                for i in range(before["rounds"], after["rounds"])
            ],
        )
    rounds = list(
        MatchingRound.objects.filter(name__startswith="Bench round").values_list("pk", flat=True)
    )
    new_pairs = range(before["pairs"], after["pairs"])
    pair_orgs = [
        (
            organisations[(2 * i) % len(organisations)],
            organisations[(2 * i + 1) % len(organisations)],
        )
        for i in new_pairs
    ]
    _bulk(
        MentoringRequest,
        [
            MentoringRequest(organisation=mentee, goals="Bench", is_open=False)
            for mentee, _m in pair_orgs
        ],
    )
    _bulk(
        MentoringOffer,
        [MentoringOffer(organisation=mentor, is_open=False) for _m, mentor in pair_orgs],
    )
    requests = list(
        MentoringRequest.objects.filter(goals="Bench").order_by("pk").values_list("pk", flat=True)
    )[before["pairs"] :]
    offers = (
        list(
            MentoringOffer.objects.filter(is_open=False).order_by("pk").values_list("pk", flat=True)
        )[-len(new_pairs) :]
        if new_pairs
        else []
    )
    statuses = ["active"] * 8 + ["completed"] * 7 + ["declined"] * 2 + ["proposed"] * 2 + ["ended"]
    pairs = []
    for n, i in enumerate(new_pairs):
        status = statuses[i % len(statuses)]
        created = moment(i * 13 + 5)
        activated = (
            created + datetime.timedelta(days=7)
            if status in ("active", "completed", "ended")
            else None
        )
        pairs.append(
            MentoringPair(
                round_id=rounds[i % len(rounds)],
                request_id=requests[n],
                offer_id=offers[n],
                mentee=pair_orgs[n][0],
                mentor=pair_orgs[n][1],
                status=status,
                activated_at=activated,
                completed_at=activated + datetime.timedelta(days=90)
                if status == "completed"
                else None,
                ended_at=activated + datetime.timedelta(days=30) if status == "ended" else None,
                declined_at=created if status == "declined" else None,
            )
        )
    _bulk(MentoringPair, pairs)
    saved_pairs = list(
        MentoringPair.objects.filter(request_id__in=requests).values_list(
            "pk", "status", "activated_at"
        )
    )
    check_ins, feedback = [], []
    for pk, status, activated in saved_pairs:
        if activated is None:
            continue
        for k in range(pk % 4):
            day = activated + datetime.timedelta(days=20 * (k + 1))
            check_ins.append(CheckIn(pair_id=pk, date=min(day, now).date(), covered="Bench"))
        if status == "completed":
            feedback.extend(
                PairFeedback(pair_id=pk, side=side, rating=1 + (pk + k) % 5)
                for k, side in enumerate(("mentee", "mentor"))
            )
    _bulk(CheckIn, check_ins)
    _bulk(PairFeedback, feedback)
