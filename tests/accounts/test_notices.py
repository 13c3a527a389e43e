"""Account e-mails in the person's language, whatever the page's; security e-mails
always go; an invitation to an organisation is a notice for someone with an account."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from notifications.models import Notice

pytestmark = pytest.mark.django_db


def en(name):
    with translation.override("en"):
        return reverse(name)


@pytest.fixture
def khmer_user(db):
    return UserFactory(email="sokha@example.org", display_name="Sokha", preferred_language="km")


def test_a_sign_in_code_asked_on_an_english_page_comes_in_khmer(client, khmer_user):
    client.post(en("account_request_login_code"), {"email": "sokha@example.org"})
    (message,) = mail.outbox
    assert message.to == ["sokha@example.org"]
    assert "លេខកូដចូល" in message.subject or "លេខកូដចូល" in message.body
    assert "Sign-In Code" not in message.subject


def test_a_changed_password_is_told_by_email_in_the_persons_language(client, khmer_user, password):
    """Security e-mails cannot be turned off and follow the person's language."""
    from notifications.kinds import KINDS
    from notifications.services import set_preferences

    set_preferences(khmer_user, {kind.key: "app" for kind in KINDS})  # no e-mail, please
    client.force_login(khmer_user)
    response = client.post(
        en("account_change_password"),
        {
            "oldpassword": password,
            "password1": "a-new-pass-phrase",
            "password2": "a-new-pass-phrase",
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["sokha@example.org"]
    assert "ពាក្យសម្ងាត់" in message.subject + message.body
    assert "Your password has been changed." not in message.body


def test_an_invitation_is_a_notice_for_an_existing_person_only(
    khmer_user, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name_en="Kampot Women's Network", name_km="បណ្ដាញស្ត្រីកំពត")
    representative = UserFactory(email="rep@example.org", display_name="Dara")
    MembershipFactory(user=representative, organisation=organisation, role="representative")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(
            representative, organisation, email="Sokha@example.org", role="member"
        )
        services.invite_member(
            representative, organisation, email="nobody-yet@example.org", role="member"
        )
    notice = Notice.objects.get()
    assert notice.recipient == khmer_user and notice.kind == "organisation_invitation"
    assert notice.params["inviter"] == "Dara"
    invitation_mail = next(m for m in mail.outbox if m.to == ["Sokha@example.org"])
    # The invitation e-mail itself is in the invited person's language too.
    assert "បណ្ដាញស្ត្រីកំពត" in invitation_mail.body or "អញ្ជើញ" in invitation_mail.body
