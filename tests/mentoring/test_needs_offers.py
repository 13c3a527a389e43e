"""Representatives publish needs and offers; members and outsiders cannot."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.factories import OrganisationFactory
from mentoring import services
from mentoring.factories import MentoringPairFactory
from mentoring.models import MentoringExclusion, MentoringOffer, MentoringRequest

from .conftest import en_url, login

REQUEST_DATA = {
    "goals": "Write our first donor report.",
    "need_financial-management": "must",
    "need_fundraising": "want",
    "working_languages": ["km", "kdt"],
    "mode": "either",
    "availability": ["tue-am", "sat-pm"],
}


def offer_data(mentor):
    return {
        "focus_areas": ["financial-management", "fundraising"],
        "mentors": [mentor.pk],
        "capacity": "3",
        "description": "Audits every year.",
        "working_languages": ["km", "en"],
        "mode": "online",
        "availability": ["tue-am"],
    }


def test_representative_publishes_then_edits_a_request(client, mentee_org, mentee_rep):
    login(client, mentee_rep)
    url = en_url("request_edit", mentee_org.slug)
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="availability" value="tue-am"' in form.text
    assert client.post(url, REQUEST_DATA).status_code == 302
    request = MentoringRequest.objects.get(organisation=mentee_org)
    assert request.needs == {"financial-management": "must", "fundraising": "want"}
    assert request.working_languages == ["kdt", "km"]
    assert request.availability == ["tue-am", "sat-pm"]

    client.post(url, {**REQUEST_DATA, "need_fundraising": "", "goals": "Only the books."})
    assert MentoringRequest.objects.filter(organisation=mentee_org).count() == 1
    request.refresh_from_db()
    assert request.needs == {"financial-management": "must"}
    assert request.goals == "Only the books."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"need_financial-management": "", "need_fundraising": ""}, "at least one focus area"),
        ({"working_languages": []}, "at least one working language"),
        ({"goals": ""}, "This field is required"),
        ({"mode": "by-pigeon"}, "Select a valid choice"),
        ({"availability": ["someday"]}, "Select a valid choice"),
    ],
)
def test_request_form_explains_what_is_wrong_and_saves_nothing(
    client, mentee_org, mentee_rep, change, message
):
    login(client, mentee_rep)
    response = client.post(en_url("request_edit", mentee_org.slug), {**REQUEST_DATA, **change})
    assert response.status_code == 200
    assert message in response.text
    assert not MentoringRequest.objects.exists()


def test_members_cannot_change_mentoring_and_outsiders_get_404(
    client, mentee_org, mentee_member, outsider, mentoring_request
):
    for user, status in ((mentee_member, 403), (outsider, 404)):
        login(client, user)
        for name in ("request_edit", "offer_edit", "conflicts"):
            assert client.get(en_url(f"{name}", mentee_org.slug)).status_code == status
        response = client.post(en_url("request_close", mentee_org.slug))
        assert response.status_code == status
    mentoring_request.refresh_from_db()
    assert mentoring_request.is_open


def test_service_refuses_a_member_with_a_clear_message(mentee_org, mentee_member):
    with pytest.raises(PermissionDenied, match="Only representatives"):
        services.save_request(
            mentee_member,
            mentee_org,
            needs={"fundraising": "must"},
            goals="x",
            working_languages=["km"],
            mode="online",
            availability=[],
        )


def test_representative_publishes_an_offer_with_mentors_from_the_organisation(
    client, mentor_org, mentor_rep
):
    login(client, mentor_rep)
    url = en_url("offer_edit", mentor_org.slug)
    assert client.post(url, offer_data(mentor_rep)).status_code == 302
    offer = MentoringOffer.objects.get(organisation=mentor_org)
    assert list(offer.mentors.all()) == [mentor_rep]
    assert offer.capacity == 3
    assert offer.mode == "online"


def test_mentors_must_be_members(mentor_org, mentor_rep, outsider):
    with pytest.raises(ValidationError) as info:
        services.save_offer(
            mentor_rep,
            mentor_org,
            focus_areas=["fundraising"],
            mentors=[outsider],
            capacity=1,
            description="",
            working_languages=["km"],
            mode="either",
            availability=[],
        )
    assert info.value.message_dict["mentors"] == ["Mentors must be members of your organisation."]


def test_capacity_cannot_drop_below_the_pairs_under_way(client, offer, mentor_rep):
    MentoringPairFactory.create_batch(2, offer=offer)
    login(client, mentor_rep)
    response = client.post(
        en_url("offer_edit", offer.organisation.slug),
        {**offer_data(mentor_rep), "capacity": "1"},
    )
    assert response.status_code == 200
    assert "capacity cannot be lower" in response.text
    offer.refresh_from_db()
    assert offer.capacity == 2


def test_closing_an_offer_keeps_pairs_under_way(client, active_pair, mentor_rep):
    login(client, mentor_rep)
    client.post(en_url("offer_close", active_pair.mentor.slug))
    active_pair.offer.refresh_from_db()
    active_pair.refresh_from_db()
    assert not active_pair.offer.is_open
    assert active_pair.status == "active"


def test_conflicts_of_interest_name_public_organisations_only(
    client, mentee_org, mentee_rep, mentor_org
):
    private = OrganisationFactory(name_en="Quiet Group", is_public=False)
    login(client, mentee_rep)
    url = en_url("conflicts", mentee_org.slug)
    page = client.get(url).text
    assert mentor_org.name_en in page or mentor_org.name_km in page
    assert "Quiet Group" not in page and private.name_km not in page

    response = client.post(url, {"other_organisation": private.pk})
    assert response.status_code == 200
    assert not MentoringExclusion.objects.exists()

    client.post(url, {"other_organisation": mentor_org.pk, "reason": "Our funder"})
    exclusion = MentoringExclusion.objects.get()
    assert (exclusion.organisation, exclusion.other_organisation) == (mentee_org, mentor_org)
    assert exclusion.kind == "conflict"

    client.post(en_url("conflict_withdraw", mentee_org.slug, exclusion.pk))
    assert not MentoringExclusion.objects.exists()


def test_overview_lists_each_organisation_and_its_pairs(client, active_pair, mentee_rep):
    login(client, mentee_rep)
    page = client.get("/en/mentoring/").text
    assert en_url("pair_detail", active_pair.pk) in page
    assert "Edit the request" in page
    assert "Offer mentoring" in page
