"""A representative accepts a proposed match and records a check-in, in Chromium on a phone."""

import pytest
from django.utils import timezone

from mentoring.factories import MentoringPairFactory
from mentoring.models import CheckIn, GoalProgress, MentoringPair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_representative_accepts_a_match_and_adds_a_check_in(
    page, mentoring_request, offer, mentee_rep, password
):
    pair = MentoringPairFactory(
        request=mentoring_request,
        offer=offer,
        status="proposed",
        mentor_accepted_at=timezone.now(),
    )

    mentee_rep.preferred_language = "en"  # signing in takes people to their own language
    mentee_rep.save(update_fields=["preferred_language"])
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(mentee_rep.email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/dashboard/")

    page.get_by_role("link", name="New match proposed").click()
    page.wait_for_url(f"**/en/mentoring/pairs/{pair.pk}/")
    assert page.get_by_role("heading", name="Why this match").is_visible()
    assert page.get_by_text("shared focus: Financial management (must)").is_visible()

    page.get_by_role("button", name="Accept the match").click()
    assert page.get_by_text("You both accepted: the mentoring can start.").is_visible()
    assert MentoringPair.objects.get(pk=pair.pk).status == "active"

    page.get_by_text("Add a goal", exact=True).click()
    page.locator("#id_goal-title").fill("Send the first donor report")
    page.get_by_role("button", name="Add the goal").click()
    assert page.get_by_text("The goal was added to the plan.").is_visible()

    page.get_by_role("link", name="Add a check-in").click()
    page.get_by_label("What did you cover?").fill("Read the donor's reporting template together.")
    page.get_by_label("Send the first donor report").select_option("in-progress")
    page.get_by_role("button", name="Save the check-in").click()
    page.wait_for_url(f"**/en/mentoring/pairs/{pair.pk}/#check-ins")
    assert page.get_by_text("The check-in was saved.").is_visible()
    assert page.get_by_text("Read the donor's reporting template together.").is_visible()

    check_in = CheckIn.objects.get(pair=pair)
    assert check_in.created_by == mentee_rep
    assert check_in.date == timezone.localdate()
    assert GoalProgress.objects.get(check_in=check_in).status == "in-progress"
