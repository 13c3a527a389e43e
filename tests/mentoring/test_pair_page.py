"""The pair's shared page: plan, check-ins and private files, for the two organisations only."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mentoring.factories import MentoringPairFactory, PlanGoalFactory
from mentoring.models import CheckIn, GoalProgress, PlanGoal, SharedResource
from tests.conftest import login_with_mfa

from .conftest import en_url, login


def url(name, *args):
    return en_url(name, *args)


@pytest.fixture
def shared_file(client, active_pair, mentor_rep):
    login(client, mentor_rep)
    upload = SimpleUploadedFile("budget template.xlsx", b"cells", content_type="application/zip")
    client.post(
        url("resource_add", active_pair.pk),
        {"resource-title": "Budget template", "resource-url": "", "resource-file": upload},
    )
    client.logout()
    return SharedResource.objects.get(pair=active_pair, title="Budget template")


def test_members_of_both_sides_build_the_plan_and_record_check_ins(
    client, active_pair, mentee_member, mentor_rep
):
    """A plain member of the mentee organisation adds a goal; the mentor adds
    a check-in with progress on it; both appear on the page."""
    login(client, mentee_member)
    client.post(
        url("goal_add", active_pair.pk),
        {
            "goal-title": "Send the first donor report",
            "goal-target_date": "2030-03-31",
            "goal-description": "",
        },
    )
    goal = PlanGoal.objects.get(pair=active_pair)
    assert goal.created_by == mentee_member

    login(client, mentor_rep)
    form_page = client.get(url("check_in_add", active_pair.pk))
    assert "Send the first donor report" in form_page.text
    today = timezone.localdate().isoformat()
    response = client.post(
        url("check_in_add", active_pair.pk),
        {
            "date": today,
            "covered": "Read the donor's template.",
            f"progress_{goal.pk}": "in-progress",
        },
    )
    assert response.status_code == 302
    check_in = CheckIn.objects.get(pair=active_pair)
    assert GoalProgress.objects.get(check_in=check_in).status == "in-progress"
    page = client.get(url("pair_detail", active_pair.pk)).text
    assert "Read the donor&#x27;s template." in page
    assert "In progress" in page


def test_a_check_in_cannot_be_in_the_future(client, active_pair, mentee_rep):
    login(client, mentee_rep)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        url("check_in_add", active_pair.pk), {"date": tomorrow, "covered": "Plans"}
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.text
    assert not CheckIn.objects.exists()


def test_progress_only_on_goals_of_the_same_pair(active_pair, mentee_rep, mentoring_request):
    from django.core.exceptions import ValidationError

    from mentoring import services

    other_goal = PlanGoalFactory()
    with pytest.raises(ValidationError, match="this pair's goals"):
        services.add_check_in(
            mentee_rep,
            active_pair,
            date=timezone.localdate(),
            covered="x",
            progress={other_goal.pk: ("done", "")},
        )


def test_nothing_changes_on_a_pair_that_is_not_active(client, proposed_pair, mentee_rep):
    login(client, mentee_rep)
    response = client.post(url("goal_add", proposed_pair.pk), {"goal-title": "A goal"}, follow=True)
    assert "only change while the pair is active" in response.text
    assert not PlanGoal.objects.exists()


def test_shared_files_live_in_private_storage_and_reach_only_the_pair(
    client, active_pair, shared_file, mentee_member, outsider, mentoring_admin
):
    """The file is stored outside MEDIA_ROOT; members of either organisation
    and admins download it; an outsider gets 404, even through another pair."""
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / shared_file.file_name
    assert stored.read_bytes() == b"cells"
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    download = url("resource_download", active_pair.pk, shared_file.pk)

    login(client, mentee_member)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"cells"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"

    login_with_mfa(client, mentoring_admin)
    assert client.get(download).status_code == 200

    login(client, outsider)
    assert client.get(download).status_code == 404
    assert client.get(url("pair_detail", active_pair.pk)).status_code == 404
    own_pair = MentoringPairFactory()
    from accounts.factories import MembershipFactory

    MembershipFactory(user=outsider, organisation=own_pair.mentee, role="representative")
    assert client.get(url("resource_download", own_pair.pk, shared_file.pk)).status_code == 404
    assert client.post(url("resource_delete", active_pair.pk, shared_file.pk)).status_code == 404
    assert SharedResource.objects.filter(pk=shared_file.pk).exists()


def test_removing_a_file_deletes_it(
    client, active_pair, shared_file, mentor_rep, django_capture_on_commit_callbacks
):
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / shared_file.file_name
    login(client, mentor_rep)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("resource_delete", active_pair.pk, shared_file.pk))
    assert not SharedResource.objects.exists()
    assert not stored.exists()


def test_links_and_unsafe_files(client, active_pair, mentee_rep):
    login(client, mentee_rep)
    client.post(
        url("resource_add", active_pair.pk),
        {"resource-title": "Donor guide", "resource-url": "https://example.org/guide"},
    )
    assert SharedResource.objects.get().url == "https://example.org/guide"
    response = client.post(
        url("resource_add", active_pair.pk),
        {"resource-title": "Tool", "resource-file": SimpleUploadedFile("tool.exe", b"MZ")},
        follow=True,
    )
    assert "cannot be shared" in response.text
    response = client.post(
        url("resource_add", active_pair.pk), {"resource-title": "Nothing"}, follow=True
    )
    assert "either a link or a file" in response.text
    assert SharedResource.objects.count() == 1


def test_pair_page_explains_the_match_in_the_visitors_language(client, active_pair, mentee_rep):
    login(client, mentee_rep)
    english = client.get(f"/en/mentoring/pairs/{active_pair.pk}/").text
    assert "shared focus: Financial management (must), Fundraising (want)" in english
    assert "Tuesday morning free on both sides" in english


def test_pair_page_queries_do_not_grow_with_check_ins(
    client, active_pair, mentee_rep, django_assert_max_num_queries
):
    from mentoring.factories import CheckInFactory

    goals = PlanGoalFactory.create_batch(3, pair=active_pair)
    for _ in range(8):
        check_in = CheckInFactory(pair=active_pair)
        for goal in goals:
            GoalProgress.objects.create(check_in=check_in, goal=goal, status="done")
    login(client, mentee_rep)
    with django_assert_max_num_queries(30):
        assert client.get(url("pair_detail", active_pair.pk)).status_code == 200


def test_the_workshop_button_is_for_the_mentor_and_never_broken(
    client, active_pair, mentor_rep, mentee_rep
):
    """The mentor sees a button to schedule the pair's private workshop and the page
    opens; the mentee side sees none."""
    login(client, mentor_rep)
    page = client.get(url("pair_detail", active_pair.pk)).text
    target = url("pair_workshop_new", active_pair.pk)
    assert target in page
    assert client.get(target).status_code == 200
    login(client, mentee_rep)
    assert "Schedule a private workshop" not in client.get(url("pair_detail", active_pair.pk)).text
