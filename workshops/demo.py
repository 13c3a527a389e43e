"""Demo workshops: one coming up that the demo learner may join, one ended with a
transcript and attendance. Safe to run again."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.demo import demo_user
from accounts.factories import UserFactory

from . import services
from .factories import RegistrationFactory, WorkshopFactory
from .models import Connection, RoomEvent, Workshop

UPCOMING = {
    "title_en": "Writing your first safeguarding policy",
    "title_km": "ការសរសេរគោលនយោបាយការពារកុមារ និងមនុស្សងាយរងគ្រោះលើកដំបូង",
    "description_en": (
        "A one-hour live session for small organisations that work with children, women and "
        "people at risk. We go through the parts of a safeguarding policy, who does what when a "
        "concern is raised, and how to explain the policy to volunteers. Bring your questions."
    ),
    "description_km": (
        "វគ្គផ្ទាល់រយៈពេលមួយម៉ោងសម្រាប់អង្គការតូចៗដែលធ្វើការជាមួយកុមារ ស្ត្រី និងមនុស្សងាយរងគ្រោះ។ "
        "យើងនឹងពិនិត្យផ្នែកនីមួយៗនៃគោលនយោបាយការពារ អ្នកណាធ្វើអ្វីនៅពេលមានការព្រួយបារម្ភ "
        "និងរបៀបពន្យល់គោលនយោបាយដល់អ្នកស្ម័គ្រចិត្ត។ សូមយកសំណួររបស់អ្នកមកជាមួយ។"
    ),
}

ENDED = {
    "title_en": "Donor reports without stress: budgets and narratives",
    "title_km": "របាយការណ៍ម្ចាស់ជំនួយដោយគ្មានភាពតានតឹង៖ ថវិកា និងរបាយការណ៍ពិពណ៌នា",
    "description_en": (
        "How to keep receipts, match spending to budget lines and write a short, honest "
        "narrative report. Recorded as a text transcript."
    ),
    "description_km": (
        "របៀបរក្សាទុកបង្កាន់ដៃ ផ្គូផ្គងការចំណាយទៅនឹងជួរថវិកា និងសរសេររបាយការណ៍ពិពណ៌នាខ្លី "
        "និងស្មោះត្រង់។ មានកំណត់ត្រាជាអក្សរ។"
    ),
}

EXTRA_PEOPLE = [
    ("channy@demo.cso-academy.org", "Channy"),
    ("piseth@demo.cso-academy.org", "Piseth"),
]

# (who, minutes after the start, kind, text)
SCRIPT = [
    ("host", 1, "chat", "សូមស្វាគមន៍! ថ្ងៃនេះយើងនិយាយអំពីរបាយការណ៍ម្ចាស់ជំនួយ។ Welcome, everyone."),
    ("learner", 3, "chat", "ជំរាបសួរ ពីស្ទឹងត្រែង! អ៊ីនធឺណិតខ្សោយបន្តិច ប៉ុន្តែខ្ញុំនៅទីនេះ។"),
    ("Channy", 4, "chat", "Hello from Prey Veng."),
    (
        "host",
        8,
        "chat",
        "Step one: keep every receipt in one folder per budget line, the same day you pay.",
    ),
    ("learner", 15, "question", "បើម្ចាស់ជំនួយសុំបង្កាន់ដៃដើម តើយើងអាចផ្ញើរូបថតបានទេ?"),
    ("Piseth", 17, "chat", "We use a shared spreadsheet, one tab per month."),
    (
        "host",
        25,
        "chat",
        "Good question, Sokha: most donors accept clear photos if the originals are kept for five years.",
    ),
    ("Channy", 40, "question", "How long should the narrative report be for a small grant?"),
    (
        "host",
        44,
        "chat",
        "Two to three pages is enough: what you planned, what happened, what you learned.",
    ),
    ("learner", 80, "chat", "អរគុណច្រើន! វាមានប្រយោជន៍ណាស់។"),
]


def _local(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _upcoming(host, learner) -> Workshop:
    workshop = Workshop.objects.filter(title_en=UPCOMING["title_en"]).first()
    if workshop is None:
        tomorrow = timezone.localdate() + timedelta(days=1)
        workshop = WorkshopFactory(
            host=host,
            starts_at=_local(tomorrow, 14),
            ends_at=_local(tomorrow, 15),
            capacity=40,
            audience=Workshop.Audience.SIGNED_IN,
            **UPCOMING,
        )
    RegistrationFactory(workshop=workshop, user=learner)
    return workshop


def _ended(host, learner) -> Workshop:
    workshop = Workshop.objects.filter(title_en=ENDED["title_en"]).first()
    if workshop is not None:
        return workshop
    day = timezone.localdate() - timedelta(days=6)
    starts_at, ends_at = _local(day, 9), _local(day, 10, 30)
    workshop = WorkshopFactory(
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=30,
        audience=Workshop.Audience.SIGNED_IN,
        status=Workshop.Status.LIVE,
        started_at=starts_at,
        **ENDED,
    )
    people = {"host": host, "learner": learner}
    for email, name in EXTRA_PEOPLE:
        people[name] = UserFactory(email=email, display_name=name, password=None)
    participants = {}
    # (who, joined after, left after) in minutes: Sokha's phone dropped once.
    stays = {
        "host": [(0, 92)],
        "learner": [(2, 31), (33, 88)],
        "Channy": [(3, 90)],
        "Piseth": [(16, 24)],
    }
    for key, user in people.items():
        participant = services.participant_for(user, workshop)
        participants[key] = participant
        if key != "host":
            RegistrationFactory(workshop=workshop, user=user)
        for joined, left in stays[key]:
            Connection.objects.create(
                workshop=workshop,
                participant=participant,
                channel_name="demo",
                joined_at=starts_at + timedelta(minutes=joined),
                last_seen_at=starts_at + timedelta(minutes=left),
                left_at=starts_at + timedelta(minutes=left),
            )
    questions = []
    for who, minute, kind, text in SCRIPT:
        action = services.ask_question if kind == "question" else services.post_chat
        recorded = action(workshop.pk, participants[who].pk, text)
        RoomEvent.objects.filter(pk=recorded.event.pk).update(
            created_at=starts_at + timedelta(minutes=minute)
        )
        if kind == "question":
            questions.append(recorded.event.seq)
    for seq in questions:
        services.upvote_question(workshop.pk, participants["Piseth"].pk, seq)
        services.answer_question(workshop.pk, participants["host"].pk, seq)
    poll = services.open_poll(
        workshop.pk,
        participants["host"].pk,
        "Does your organisation keep receipts digitally?",
        ["Yes", "Partly", "Not yet"],
    ).event.seq
    services.vote_poll(workshop.pk, participants["learner"].pk, poll, 2)
    services.vote_poll(workshop.pk, participants["Channy"].pk, poll, 1)
    services.close_poll(workshop.pk, participants["host"].pk, poll)
    services.end_workshop(workshop.pk, participants["host"].pk)
    late = RoomEvent.objects.filter(workshop=workshop, created_at__gt=ends_at)
    late.update(created_at=ends_at)
    Workshop.objects.filter(pk=workshop.pk).update(ended_at=starts_at + timedelta(minutes=90))
    services.record_attendance(workshop.pk)
    return workshop


def seed(stdout) -> None:
    host = demo_user("mentor")
    learner = demo_user("learner")
    host.groups.add(services.mentors_group())
    _upcoming(host, learner)
    _ended(host, learner)
    stdout.write(f"Workshops: {Workshop.objects.count()}")
