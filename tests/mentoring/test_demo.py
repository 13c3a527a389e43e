"""The demo: safe to run twice, and shaped as the README promises."""

import io

from accounts import demo as accounts_demo
from mentoring import demo
from mentoring.models import MatchingRound, MentoringOffer, MentoringPair, MentoringRequest


def test_seed_twice_and_find_the_demo_pairs(db, django_capture_on_commit_callbacks):
    accounts_demo.seed(io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(io.StringIO())
    counts = (
        MentoringRequest.objects.count(),
        MentoringOffer.objects.count(),
        MentoringPair.objects.count(),
        MatchingRound.objects.count(),
    )
    demo.seed(io.StringIO())
    assert counts == (
        MentoringRequest.objects.count(),
        MentoringOffer.objects.count(),
        MentoringPair.objects.count(),
        MatchingRound.objects.count(),
    )

    learner = accounts_demo.demo_user("learner")
    mentor = accounts_demo.demo_user("mentor")
    active = MentoringPair.objects.get(status="active")
    assert active.mentee == accounts_demo.demo_organisation("stiy")
    assert active.mentor == accounts_demo.demo_organisation("kcfh")
    assert active.goals.count() == 3 and active.check_ins.count() == 2
    assert active.resources.get().is_file
    assert mentor in active.offer.mentors.all()
    assert MatchingRound.objects.get().status == "approved"
    assert MentoringPair.objects.filter(status="completed").count() == 1
    assert MentoringPair.objects.filter(status="proposed").count() == 1
    from mentoring import services

    assert services.get_pair_for_user(learner, active.pk) == active
    assert services.get_pair_for_user(mentor, active.pk) == active
    # Requests left for the next round.
    assert MentoringRequest.objects.eligible().count() >= 3
