"""Demo mentoring: needs and offers, an approved round, and pairs at each stage.

The demo learner represents the Stung Treng Indigenous Youth Group (stiy),
which asks for help with donor reporting; the demo mentor represents the
Kampong Cham NGO Finance Helpdesk (kcfh) and is a member of the Khmer Rights
Advocacy Centre (krac). Their pair is active, with a plan, check-ins and a
shared file. Another pair is completed (with feedback), a third waits for
answers, and a few requests are left for the next round. Safe to run again.
"""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.demo import demo_organisation, demo_user
from accounts.factories import MembershipFactory, UserFactory
from accounts.models import User

from . import services
from .factories import MentoringOfferFactory, MentoringRequestFactory
from .models import MatchingRound, MentoringOffer, MentoringPair, MentoringRequest

ROUND_NAME = "Demo round, January 2026"
#: The requests in the demo round; the others wait for the next one.
IN_ROUND = ["stiy", "pvcs", "kfa", "cfca"]
#: (request, offer) pairs the round proposes and the demo keeps.
CHOSEN = [("stiy", "kcfh"), ("pvcs", "tswn"), ("kfa", "gwsu")]

# (organisation key, needs, goals, languages, mode, availability)
REQUESTS = [
    (
        "stiy",
        {"fundraising": "must", "financial-management": "must", "land-housing": "nice"},
        "យើងចង់រៀនសរសេររបាយការណ៍ជូនម្ចាស់ជំនួយ និងរៀបចំបញ្ជីគណនេយ្យឲ្យបានត្រឹមត្រូវ ដើម្បីទទួលបានជំនួយដំបូងរបស់យើង។",
        ["km", "kdt"],
        "either",
        ["tue-am", "thu-pm", "sat-am"],
    ),
    (
        "pvcs",
        {"safeguarding": "must", "organisational-management": "want"},
        "Write our first safeguarding policy and train our village volunteers to use the referral list.",
        ["km"],
        "either",
        ["mon-pm", "wed-pm"],
    ),
    (
        "kfa",
        {"advocacy": "must", "labour-rights": "want", "financial-management": "nice"},
        "Prepare a joint letter to the provincial fisheries office and keep simple accounts of our members' fees.",
        ["km"],
        "either",
        ["sun-am", "sat-eve"],
    ),
    (
        "cfca",
        {"land-housing": "must", "advocacy": "want"},
        "Map our community forest boundaries with GPS and present them to the commune council.",
        ["km"],
        "in-person",
        ["sat-am", "sun-am"],
    ),
    (
        "ycv",
        {"digital-security": "must", "media-communication": "want"},
        "Keep our members' phones and social media accounts safe when we publish videos.",
        ["km", "en"],
        "online",
        ["wed-eve", "fri-eve"],
    ),
    (
        "mlhf",
        {"advocacy": "must", "fundraising": "want"},
        "Turn our community submissions into a short advocacy brief and find a first small grant.",
        ["km"],
        "either",
        ["tue-pm", "thu-am"],
    ),
]

# (organisation key, mentor (demo user key or (e-mail, name)), focus, capacity, description, languages, mode, availability)
OFFERS = [
    (
        "kcfh",
        "mentor",
        ["financial-management", "fundraising", "organisational-management"],
        3,
        "We prepare small organisations for audits and coach them through their first donor reports.",
        ["km", "en"],
        "either",
        ["tue-am", "thu-am", "sat-am"],
    ),
    (
        "krac",
        "mentor",
        ["human-rights", "legal-aid", "advocacy", "digital-security"],
        2,
        "Thirty years of case documentation and advocacy with the authorities; we share templates and role-play meetings.",
        ["km", "en"],
        "online",
        ["wed-pm", "fri-am"],
    ),
    (
        "tswn",
        ("bopha@demo.cso-academy.org", "Bopha"),
        ["gender-equality", "safeguarding", "civic-education"],
        2,
        "Our referral network has written and tested safeguarding policies with forty village groups.",
        ["km"],
        "either",
        ["mon-pm", "wed-pm", "fri-pm"],
    ),
    (
        "gwsu",
        ("sophea@demo.cso-academy.org", "Sophea"),
        ["labour-rights", "advocacy", "financial-management"],
        2,
        "We negotiate every year with employers and the ministry, and run members' dues transparently.",
        ["km", "en"],
        "either",
        ["sat-eve", "sun-am"],
    ),
    (
        "dscc",
        ("rithy@demo.cso-academy.org", "Rithy"),
        ["digital-security", "media-communication", "organisational-management"],
        1,
        "Hands-on phone and account security clinics, online, in Khmer.",
        ["km", "en"],
        "online",
        ["wed-eve", "fri-eve"],
    ),
]

#: Representatives of organisations that have no demo person yet (no password: they cannot sign in).
EXTRA_REPRESENTATIVES = [("pvcs", "kanha@demo.cso-academy.org", "Kanha")]

GOALS = [
    ("បើកបញ្ជីសាច់ប្រាក់ប្រចាំខែ", 20),
    ("សរសេរសំណើគម្រោងដំបូងទៅម្ចាស់ជំនួយ", 50),
    ("រៀបចំគោលការណ៍ហិរញ្ញវត្ថុសាមញ្ញ", 80),
]
CHECK_INS = [
    (
        21,
        "យើងបានពិនិត្យបញ្ជីសាច់ប្រាក់ជាមួយគ្នា និងរៀនកត់ត្រាចំណាយរៀងរាល់ថ្ងៃ។",
        {0: "in-progress"},
    ),
    (
        7,
        "យើងបានអានការអំពាវនាវរបស់ម្ចាស់ជំនួយ ហើយគូសបញ្ជាក់ចំណុចសំខាន់ៗសម្រាប់សំណើ។",
        {0: "done", 1: "in-progress"},
    ),
]
CASH_BOOK = (
    "date,description,income,expense,balance\n2026-01-05,Members' contributions,120000,,120000\n"
)


def _person(email: str, name: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = UserFactory(email=email, display_name=name, preferred_language="km", password=None)
    return user


def _representative(organisation) -> User | None:
    membership = organisation.memberships.filter(role="representative").select_related("user")
    return membership.first().user if membership.exists() else None


def _mentor(spec, organisation) -> User:
    if isinstance(spec, str):
        return demo_user(spec)
    user = _person(*spec)
    MembershipFactory(user=user, organisation=organisation, role="representative")
    return user


@contextmanager
def _as_of(moment):
    """Run the services as if it were ``moment``: the demo's story happened over weeks
    (a pair accepted forty days ago, check-ins since), and the services date what they
    write with ``timezone.now()``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def seed(stdout) -> None:
    for key, email, name in EXTRA_REPRESENTATIVES:
        MembershipFactory(
            user=_person(email, name), organisation=demo_organisation(key), role="representative"
        )
    offers = {}
    for key, mentor, focus, capacity, description, languages, mode, availability in OFFERS:
        organisation = demo_organisation(key)
        offer = organisation.mentoring_offers.order_by("pk").first()
        if offer is None:
            offer = MentoringOfferFactory(
                organisation=organisation,
                focus_areas=focus,
                capacity=capacity,
                description=description,
                working_languages=languages,
                mode=mode,
                availability=availability,
                mentors=[_mentor(mentor, organisation)],
            )
        offers[key] = offer

    requests = {key: _request(key, *spec) for key, *spec in REQUESTS if key in IN_ROUND}
    if not MatchingRound.objects.filter(name=ROUND_NAME).exists():
        _seed_round(requests, offers)
    for key, *spec in REQUESTS:
        if key not in IN_ROUND:
            _request(key, *spec)

    stdout.write(
        f"Mentoring: {MentoringRequest.objects.count()} requests, "
        f"{MentoringOffer.objects.count()} offers, {MentoringPair.objects.count()} pairs"
    )


def _request(key, needs, goals, languages, mode, availability) -> MentoringRequest:
    organisation = demo_organisation(key)
    request = organisation.mentoring_requests.order_by("pk").first()
    if request is None:
        request = MentoringRequestFactory(
            organisation=organisation,
            needs=needs,
            goals=goals,
            working_languages=languages,
            mode=mode,
            availability=availability,
            created_by=_representative(organisation),
        )
    return request


def _seed_round(requests, offers) -> None:
    """The round, run and approved by the editor through the same services an admin
    uses; then one pair is accepted and works together, one completes (its
    certificates follow from ``pair_completed``, as for any pair), one waits."""
    editor = demo_user("editor")
    now = timezone.now()
    with _as_of(now - timedelta(days=45)):
        matching_round = services.open_round(editor, name=ROUND_NAME)
        services.run_round(editor, matching_round)
        chosen = {(requests[r].pk, offers[o].pk) for r, o in CHOSEN}
        proposals = list(matching_round.proposals.all())
        for proposal in proposals:
            if (proposal.request_id, proposal.offer_id) not in chosen:
                services.remove_proposal(editor, matching_round, proposal.pk)
        missing = chosen - {(p.request_id, p.offer_id) for p in proposals}
        if missing:
            raise RuntimeError(f"The demo round no longer proposes {sorted(missing)}")
    with _as_of(now - timedelta(days=44)):
        approved = services.approve_round(editor, matching_round)
    pairs = {pair.request_id: pair for pair in approved}

    started = now - timedelta(days=40)
    active = pairs[requests["stiy"].pk]
    learner, mentor = demo_user("learner"), demo_user("mentor")
    active = _accept(active, mentee_at=started - timedelta(days=2), mentor_at=started)
    with _as_of(started):
        goals = [
            services.add_goal(
                mentor,
                active,
                title=title,
                target_date=timezone.localdate(started + timedelta(days=days)),
            )
            for title, days in GOALS
        ]
    for days_ago, covered, progress in CHECK_INS:
        with _as_of(now - timedelta(days=days_ago)):
            services.add_check_in(
                learner if days_ago < 10 else mentor,
                active,
                date=timezone.localdate(),
                covered=covered,
                progress={goals[index].pk: (status, "") for index, status in progress.items()},
            )
    with _as_of(started):
        services.add_resource(
            mentor,
            active,
            title="Cash book template / គំរូបញ្ជីសាច់ប្រាក់",
            file=ContentFile(CASH_BOOK.encode(), name="cash-book-template.csv"),
        )

    completed = pairs[requests["pvcs"].pk]
    completed = _accept(completed, mentee_at=started, mentor_at=started)
    with _as_of(now - timedelta(days=2)):
        services.complete_pair(
            _representative(completed.mentee),
            completed,
            rating=5,
            feedback="Our policy is adopted and every volunteer has the referral list.",
        )
        services.complete_pair(
            _representative(completed.mentor),
            completed,
            rating=4,
            feedback="A committed group; next time we would plan more village visits.",
        )


def _accept(pair: MentoringPair, *, mentee_at, mentor_at) -> MentoringPair:
    """Both sides accept, each on its day; returns the pair, now active."""
    with _as_of(mentee_at):
        services.accept_pair(_representative(pair.mentee), pair)
    with _as_of(mentor_at):
        return services.accept_pair(_representative(pair.mentor), pair)
