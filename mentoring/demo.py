"""Demo mentoring: needs and offers, an approved round, and pairs at each stage.

The demo learner represents the Stung Treng Indigenous Youth Group (stiy),
which asks for help with donor reporting; the demo mentor represents the
Kampong Cham NGO Finance Helpdesk (kcfh) and is a member of the Khmer Rights
Advocacy Centre (krac). Their pair is active, with a plan, check-ins and a
shared file. Another pair is completed (with feedback), a third waits for
answers, and a few requests are left for the next round. Safe to run again.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_organisation, demo_user
from accounts.factories import MembershipFactory, UserFactory
from accounts.models import User

from . import matcher
from .factories import MentoringOfferFactory, MentoringRequestFactory
from .models import (
    CheckIn,
    GoalProgress,
    MatchingRound,
    MatchProposal,
    MentoringOffer,
    MentoringPair,
    MentoringRequest,
    PairFeedback,
    PlanGoal,
    SharedResource,
)
from .services import _offer_input, _request_input
from .signals import pair_completed

ROUND_NAME = "Demo round, January 2026"

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


def _pair_data(request: MentoringRequest, offer: MentoringOffer, weights: matcher.Weights):
    today = timezone.localdate()
    r, o = _request_input(request, today), _offer_input(offer, 1, today)
    breakdown = matcher.pair_score(r, o, weights)
    return {
        "score": breakdown.total,
        "breakdown": breakdown.to_dict(),
        "reasons": [reason.to_dict() for reason in matcher.explain_pair(r, o)],
    }


def seed(stdout) -> None:
    for key, email, name in EXTRA_REPRESENTATIVES:
        MembershipFactory(
            user=_person(email, name), organisation=demo_organisation(key), role="representative"
        )
    requests = {}
    for key, needs, goals, languages, mode, availability in REQUESTS:
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
        requests[key] = request

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

    if not MatchingRound.objects.filter(name=ROUND_NAME).exists():
        _seed_round(requests, offers)

    stdout.write(
        f"Mentoring: {MentoringRequest.objects.count()} requests, "
        f"{MentoringOffer.objects.count()} offers, {MentoringPair.objects.count()} pairs"
    )


def _seed_round(requests, offers) -> None:
    editor = demo_user("editor")
    now = timezone.now()
    matching_round = MatchingRound.objects.create(
        name=ROUND_NAME,
        status=MatchingRound.Status.APPROVED,
        created_by=editor,
        approved_by=editor,
        run_at=now - timedelta(days=45),
        approved_at=now - timedelta(days=44),
        run_count=1,
    )
    weights = matcher.Weights(**matching_round.weights)
    chosen = [("stiy", "kcfh"), ("pvcs", "tswn"), ("kfa", "gwsu")]
    # The round's report, as the matcher gives it for these requests with the
    # demo pairs locked (the Cardamom alliance, in person only in Koh Kong, has
    # no offer within reach).
    today = timezone.localdate()
    in_round = ["stiy", "pvcs", "kfa", "cfca"]
    result = matcher.match(
        [_request_input(requests[k], today) for k in in_round],
        [_offer_input(o, o.capacity, today) for o in offers.values()],
        weights=weights,
        locked=[(requests[r].pk, offers[o].pk) for r, o in chosen],
    )
    matching_round.unmatched = [
        {"request": u.request_id, "reason": u.reason, "fitting": u.fitting_offers}
        for u in result.unmatched
    ]
    matching_round.fairness = result.fairness.to_dict()
    matching_round.save(update_fields=["unmatched", "fairness"])

    pairs = {}
    for request_key, offer_key in chosen:
        request, offer = requests[request_key], offers[offer_key]
        data = _pair_data(request, offer, weights)
        proposal = MatchProposal.objects.create(
            round=matching_round, request=request, offer=offer, locked=False, **data
        )
        pairs[request_key] = MentoringPair.objects.create(
            round=matching_round,
            proposal=proposal,
            request=request,
            offer=offer,
            mentee=request.organisation,
            mentor=offer.organisation,
            **data,
        )

    started = now - timedelta(days=40)
    active = pairs["stiy"]
    MentoringPair.objects.filter(pk=active.pk).update(
        status=MentoringPair.Status.ACTIVE,
        mentee_accepted_at=started - timedelta(days=2),
        mentor_accepted_at=started,
        activated_at=started,
    )
    learner, mentor = demo_user("learner"), demo_user("mentor")
    goals = [
        PlanGoal.objects.create(
            pair=active,
            title=title,
            target_date=timezone.localdate() + timedelta(days=days - 40),
            created_by=mentor,
        )
        for title, days in GOALS
    ]
    for days_ago, covered, progress in CHECK_INS:
        check_in = CheckIn.objects.create(
            pair=active,
            date=timezone.localdate() - timedelta(days=days_ago),
            covered=covered,
            created_by=learner if days_ago < 10 else mentor,
        )
        for index, status in progress.items():
            GoalProgress.objects.create(check_in=check_in, goal=goals[index], status=status)
    name = storages["private"].save(
        f"mentoring/pairs/{active.pk}/demo/cash-book-template.csv", ContentFile(CASH_BOOK.encode())
    )
    SharedResource.objects.create(
        pair=active,
        title="Cash book template / គំរូបញ្ជីសាច់ប្រាក់",
        file_name=name,
        original_name="cash-book-template.csv",
        content_type="text/csv",
        size=len(CASH_BOOK.encode()),
        added_by=mentor,
    )

    completed = pairs["pvcs"]
    MentoringPair.objects.filter(pk=completed.pk).update(
        status=MentoringPair.Status.COMPLETED,
        mentee_accepted_at=started,
        mentor_accepted_at=started,
        activated_at=started,
        completed_at=now - timedelta(days=2),
    )
    MentoringRequest.objects.filter(pk=completed.request_id).update(is_open=False)
    PairFeedback.objects.create(
        pair=completed,
        side="mentee",
        rating=5,
        text="Our policy is adopted and every volunteer has the referral list.",
        given_by=_representative(completed.mentee),
    )
    PairFeedback.objects.create(
        pair=completed,
        side="mentor",
        rating=4,
        text="A committed group; next time we would plan more village visits.",
        given_by=_representative(completed.mentor),
    )
    completed_id = completed.pk
    # The same announcement the lifecycle service makes, so that other apps
    # (certificates) react to the demo's completed pair as to a real one.
    transaction.on_commit(
        lambda: pair_completed.send(
            sender=MentoringPair, pair=MentoringPair.objects.get(pk=completed_id)
        )
    )
