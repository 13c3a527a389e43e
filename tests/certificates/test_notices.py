"""Certificates tell their learner (or their organisation's representatives) when they
are issued, wait for a name, are revoked or reissued: once per event, nobody else."""

import pytest
from django.core import mail

from accounts.factories import MembershipFactory, OrganisationFactory
from certificates import services
from certificates.services import revocation
from notifications.models import Notice

from .conftest import ENGLISH_TITLE, KHMER_TITLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_pdf")]


def kinds_of(user):
    return list(Notice.objects.filter(recipient=user).values_list("kind", flat=True))


def test_awaiting_name_is_told_once(user, other_user, issue, make_enrolment):
    issue(user)
    assert kinds_of(user) == ["certificate_awaiting_name"]
    (notice,) = Notice.objects.all()
    assert notice.url.endswith("/certificates/confirm-name/")
    assert notice.params["title"] == {"km": KHMER_TITLE, "en": ENGLISH_TITLE}
    assert mail.outbox[0].to == ["learner@example.org"]
    assert ENGLISH_TITLE in mail.outbox[0].subject  # the learner reads English

    services.issue_for(make_enrolment(user))  # completing again issues nothing new
    assert kinds_of(user) == ["certificate_awaiting_name"]


def test_confirming_the_name_tells_the_certificate_is_ready(
    user, other_user, issue, django_capture_on_commit_callbacks
):
    certificate = issue(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_name(user, legal_name="Chan Sokha")
    issued = Notice.objects.get(recipient=user, kind="certificate_issued")
    assert issued.url.endswith(f"/certificates/{certificate.pk}/")
    assert not Notice.objects.filter(recipient=other_user).exists()


def test_revoked_and_reissued_are_told_to_the_learner_only(
    certificate, confirmed, other_user, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = revocation.reissue(admin_user, certificate, name="Chan Sok Ha")
    reissued = Notice.objects.get(kind="certificate_reissued")
    assert reissued.recipient == confirmed
    assert reissued.url.endswith(f"/certificates/{new.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        revocation.revoke(admin_user, new, reason="Issued by mistake")
    revoked = Notice.objects.get(kind="certificate_revoked")
    assert revoked.recipient == confirmed
    assert revoked.params["reason"] == "Issued by mistake"
    assert set(Notice.objects.values_list("recipient_id", flat=True)) == {confirmed.pk}
    subjects = [m.subject for m in mail.outbox if m.to == [confirmed.email]]
    assert any("was revoked" in s for s in subjects)
    assert any("was reissued" in s for s in subjects)


def test_a_mentoring_certificate_goes_to_its_organisations_representatives(
    user, other_user, django_capture_on_commit_callbacks
):
    from mentoring.factories import MentoringPairFactory
    from mentoring.signals import pair_completed

    mentee = OrganisationFactory(name_en="Kampot Fisherfolk Association")
    mentor = OrganisationFactory(name_en="Khmer Rights Advocacy Centre")
    MembershipFactory(user=user, organisation=mentee, role="representative")
    MembershipFactory(user=other_user, organisation=OrganisationFactory(), role="representative")
    pair = MentoringPairFactory(
        request__organisation=mentee, offer__organisation=mentor, status="completed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        pair_completed.send(sender=None, pair=pair)
        pair_completed.send(sender=None, pair=pair)
    assert kinds_of(user) == ["certificate_issued"]
    assert kinds_of(other_user) == [], "another organisation's representative gets nothing"
