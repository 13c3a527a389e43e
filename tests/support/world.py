"""A small platform with one of everything that belongs to someone.

Built for the access matrix (``tests/lms/test_access_matrix.py``) and the staff
MFA tests: two people who own things (``owner`` and ``rival``, in different
organisations) with the same kinds of objects each, so that every private
object can be tried with its owner's id, another person's id and a
neighbouring id; a signed-in person with nothing (``other``); an editor
(platform staff, MFA completed); and a superuser whose session did not
complete MFA (``staff_nomfa``).

Everything goes through factories and the apps' services, as in the other
tests. Certificate PDFs are a stand-in (the matrix is about who may fetch
them, not what they look like).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

ROLES = ("anonymous", "owner", "other", "other_org", "editor", "staff_nomfa")
PASSWORD = "correct-horse-battery"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    own: SimpleNamespace = field(default_factory=SimpleNamespace)  # the owner's objects
    rival: SimpleNamespace = field(default_factory=SimpleNamespace)  # another person's
    public: SimpleNamespace = field(default_factory=SimpleNamespace)  # everyone's


def stand_in_pdf(certificate) -> bytes:
    return f"%PDF-1.7\n% stand-in for {certificate.code}\n%%EOF\n".encode()


def _record(client, user, *, mfa: bool, reauthenticated: bool) -> None:
    """Record in the session how it authenticated, with allauth's own function."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    session = client.session
    request = SimpleNamespace(session=session)
    record_authentication(request, user, "password", email=user.email)
    if mfa:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        record_authentication(request, user, "mfa", id=authenticator.pk, type="totp")
    if reauthenticated:
        # With MFA on, allauth re-authenticates with the authenticator only.
        if mfa:
            record_authentication(
                request, user, "mfa", id=authenticator.pk, type="totp", reauthenticated=True
            )
        else:
            record_authentication(request, user, "password", reauthenticated=True)
    session.save()


def _totp(user):
    """TOTP and recovery codes, as allauth's set-up leaves them."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from accounts import mfa_secrets

    totp = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": mfa_secrets.encrypt("JBSWY3DPEHPK3PXP")},
    )
    RecoveryCodes.activate(user)
    return totp


def _editors_group():
    from wagtail.models import GroupPagePermission, Page

    group, _ = Group.objects.get_or_create(name="Matrix editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    root = Page.get_first_root_node()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=Permission.objects.get(codename=codename)
        )
    return group


def _people(world: World) -> None:
    from accounts.factories import UserFactory
    from workshops.services import mentors_group

    make = UserFactory
    users = world.users
    users["owner"] = make(email="owner@example.org", display_name="Owner", legal_name="Owner")
    users["other"] = make(email="other@example.org", display_name="Other")
    users["other_org"] = make(email="rival@example.org", display_name="Rival", legal_name="Rival")
    users["editor"] = make(
        email="editor@example.org", display_name="Editor", is_staff=True, is_superuser=True
    )
    users["editor"].groups.add(_editors_group())
    users["staff_nomfa"] = make(
        email="staff-nomfa@example.org",
        display_name="Staff",
        is_staff=True,
        is_superuser=True,
    )
    _totp(users["editor"])
    _totp(users["staff_nomfa"])
    mentors = mentors_group()
    for key in ("owner", "other_org"):
        users[key].groups.add(mentors)
    # People who are not roles but whom the objects need.
    users["member"] = make(email="member@example.org", display_name="Member")
    users["rival_member"] = make(email="rival-member@example.org", display_name="Rival member")
    users["mentor"] = make(email="mentor@example.org", display_name="Mentor")
    users["rival_mentor"] = make(email="rival-mentor@example.org", display_name="Rival mentor")


def _clients(world: World) -> None:
    world.clients["anonymous"] = Client(raise_request_exception=False)
    for role in ROLES[1:]:
        client = Client(raise_request_exception=False)
        user = world.users[role]
        client.force_login(user)
        _record(
            client,
            user,
            mfa=role == "editor",
            # The matrix is about who may act, so the people who may are
            # past allauth's re-authentication; a staff session without MFA
            # can only re-authenticate with MFA, so it is not.
            reauthenticated=role != "staff_nomfa",
        )
        world.clients[role] = client


def _organisations(world: World) -> None:
    from accounts.factories import MembershipFactory, OrganisationFactory
    from accounts.models import Invitation, Membership
    from mentoring.models import MentoringExclusion

    u = world.users
    rep = Membership.Role.REPRESENTATIVE
    for side, person, member, name in (
        (world.own, u["owner"], u["member"], "Owner Network"),
        (world.rival, u["other_org"], u["rival_member"], "Rival Network"),
    ):
        side.org = OrganisationFactory(name_en=name, is_public=False)
        side.rep_membership = MembershipFactory(user=person, organisation=side.org, role=rep)
        side.membership = MembershipFactory(user=member, organisation=side.org, role="member")
        side.invitation = Invitation.objects.create(
            organisation=side.org, email=f"invitee-{side.org.pk}@example.org", invited_by=person
        )
    world.public.org = OrganisationFactory(name_en="Open Network", is_public=True)
    world.public.other_org = OrganisationFactory(name_en="Listed Network", is_public=True)
    for side in (world.own, world.rival):
        side.exclusion = MentoringExclusion.objects.create(
            organisation=side.org,
            other_organisation=world.public.org,
            kind=MentoringExclusion.Kind.CONFLICT,
            reason="Same board.",
        )


def _mentoring(world: World) -> None:
    from accounts.factories import MembershipFactory, OrganisationFactory
    from mentoring import services
    from mentoring.factories import (
        MentoringOfferFactory,
        MentoringPairFactory,
        MentoringRequestFactory,
        PlanGoalFactory,
    )

    u = world.users
    for side, mentor in ((world.own, u["mentor"]), (world.rival, u["rival_mentor"])):
        mentor_org = OrganisationFactory(name_en=f"Mentors of {side.org.name_en}")
        MembershipFactory(user=mentor, organisation=mentor_org, role="representative")
        request = MentoringRequestFactory(
            organisation=side.org, created_by=side.rep_membership.user
        )
        offer = MentoringOfferFactory(organisation=mentor_org, mentors=[mentor], created_by=mentor)
        side.pair = MentoringPairFactory(request=request, offer=offer)
        side.goal = PlanGoalFactory(pair=side.pair, title="Close the books every month")
        side.resource = services.add_resource(
            side.rep_membership.user,
            side.pair,
            title="Budget template",
            file=SimpleUploadedFile("budget.csv", b"month,amount\n", content_type="text/csv"),
        )


def _courses(world: World) -> None:
    from certificates.services import issuing, pdfs
    from courses import factories, services

    world.public.catalogue = factories.catalogue_page()
    world.public.course = factories.course_page(
        world.public.catalogue, title="Bookkeeping", slug="bookkeeping"
    )
    world.public.lesson = factories.lesson_page(
        world.public.course, title="Cash book", slug="cash-book", body=[factories.quiz_block()]
    )
    world.public.other_course = factories.course_page(
        world.public.catalogue, title="Safeguarding", slug="safeguarding"
    )
    world.public.quiz_answer = {"q0": "0"}
    for side, person in (
        (world.own, world.users["owner"]),
        (world.rival, world.users["other_org"]),
    ):
        issuing.confirm_name(person, legal_name=person.display_name)
        side.enrolment = services.enrol(person, world.public.course)
        side.attempt, _completed = services.submit_quiz(
            person, world.public.lesson, world.public.quiz_answer
        )
        side.enrolment.refresh_from_db()
        side.certificate = issuing.issue_for(side.enrolment)
        pdfs.render(side.certificate.pk)
        side.certificate.refresh_from_db()
        assert side.certificate.is_ready, side.certificate.status


def _workshops(world: World) -> None:
    from mentoring.models import PairWorkshop
    from workshops.factories import WorkshopFactory
    from workshops.models import Workshop
    from workshops.services import reset_calendar_feed

    for side, host, member in (
        (world.own, world.users["owner"], world.users["member"]),
        (world.rival, world.users["other_org"], world.users["rival_member"]),
    ):
        side.workshop = WorkshopFactory(host=host, audience=Workshop.Audience.INVITED)
        side.workshop.invitees.set([member])
        side.feed = reset_calendar_feed(host)  # its secret in .token, this once
    for side, mentor in (
        (world.own, world.users["mentor"]),
        (world.rival, world.users["rival_mentor"]),
    ):
        side.pair_workshop = PairWorkshop.objects.create(
            pair=side.pair,
            workshop=WorkshopFactory(host=mentor, audience=Workshop.Audience.PAIR),
        )


def _notices(world: World) -> None:
    """An unread notice for everyone: opening the centre or "mark all read" changes it."""
    from notifications.models import Notice

    for key, user in world.users.items():
        Notice.objects.create(
            recipient=user, kind="certificate_issued", event=f"world:{key}", params={"title": key}
        )


def build_world() -> World:
    """Create the world in the current transaction (the caller rolls it back)."""
    import pytest

    from certificates.services import pdfs as certificate_pdfs

    world = World()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(certificate_pdfs, "render_pdf_bytes", stand_in_pdf)
        _people(world)
        _organisations(world)
        _mentoring(world)
        _courses(world)
        _workshops(world)
        _notices(world)
    _clients(world)
    world.now = timezone.now()
    world.soon = (timezone.localtime() + datetime.timedelta(days=3)).replace(microsecond=0)
    return world
