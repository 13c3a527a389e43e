"""Session rules: staff powers only in a session that completed MFA (on the
site and in live rooms, not only in the admin), idle sessions end (sooner for
staff), and a sign-in by code is not remembered."""

import re
import time

import pytest
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from accounts.factories import UserFactory
from accounts.session_policy import LAST_SEEN_SESSION_KEY
from mentoring.models import PlanGoal, SharedResource
from tests.conftest import login_with_mfa
from tests.support.world import build_world

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def superuser_without_mfa(world):
    """A superuser with TOTP whose session skipped the code (as Wagtail's old
    front-end login allowed, or a session from before the rule)."""
    client = Client()
    client.force_login(world.users["staff_nomfa"])
    return client


def test_a_staff_session_without_mfa_has_no_powers_on_the_site(world, superuser_without_mfa):
    """Without MFA in the session a superuser is an ordinary user: another
    learner's certificate page and PDF, a mentoring pair's page, and the
    deletion of the pair's goals and files all answer 404 and change nothing."""
    client = superuser_without_mfa
    certificate, pair = world.own.certificate, world.own.pair
    assert client.get(en("certificates:detail", certificate.pk)).status_code == 404
    assert client.get(en("certificates:download", certificate.pk)).status_code == 404
    assert client.get(en("mentoring:pair_detail", pair.pk)).status_code == 404
    goal, resource = world.own.goal, world.own.resource
    assert client.post(en("mentoring:goal_delete", pair.pk, goal.pk)).status_code == 404
    assert client.post(en("mentoring:resource_delete", pair.pk, resource.pk)).status_code == 404
    assert PlanGoal.objects.filter(pk=goal.pk).exists()
    assert SharedResource.objects.filter(pk=resource.pk).exists()


def test_the_same_staff_member_has_their_powers_once_the_session_completed_mfa(world):
    """With the second factor in this session, the same powers are back."""
    client = Client()
    login_with_mfa(client, world.users["staff_nomfa"])
    certificate, pair, goal = world.own.certificate, world.own.pair, world.own.goal
    assert client.get(en("certificates:detail", certificate.pk)).status_code == 200
    response = client.get(en("certificates:download", certificate.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(en("mentoring:pair_detail", pair.pk)).status_code == 200
    assert client.post(en("mentoring:goal_delete", pair.pk, goal.pk)).status_code == 302
    assert not PlanGoal.objects.filter(pk=goal.pk).exists()


def test_the_admin_sends_a_staff_session_without_mfa_to_enter_a_code(superuser_without_mfa):
    response = superuser_without_mfa.get("/admin/certificates/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/reauthenticate/?next=/admin/certificates/"


def test_a_staff_session_does_not_save_withheld_powers(world, superuser_without_mfa):
    """Saving their profile while powers are withheld keeps them staff."""
    client = superuser_without_mfa
    response = client.post(
        en("accounts:profile"),
        {"display_name": "Staff member", "legal_name": "", "preferred_language": "en"},
    )
    assert response.status_code == 302
    staff = world.users["staff_nomfa"]
    staff.refresh_from_db()
    assert staff.display_name == "Staff member"
    assert staff.is_staff and staff.is_superuser


# ---------------------------------------------------------------------------
# Live rooms (WebSocket)
# ---------------------------------------------------------------------------


class WhoAmI(AsyncJsonWebsocketConsumer):
    """Tells the client what the connection's user may do."""

    async def connect(self):
        await self.accept()
        user = self.scope["user"]
        await self.send_json(
            {
                "authenticated": user.is_authenticated,
                "is_staff": bool(getattr(user, "is_staff", False)),
                "is_superuser": bool(getattr(user, "is_superuser", False)),
                "may_view_certificates": await database_sync_to_async(user.has_perm)(
                    "certificates.view_certificate"
                ),
            }
        )


def _application():
    from channels.auth import AuthMiddlewareStack

    from accounts.middleware import SessionPolicyScopeMiddleware

    return AuthMiddlewareStack(
        SessionPolicyScopeMiddleware(URLRouter([path("ws/who/", WhoAmI.as_asgi())]))
    )


async def _who(client) -> dict:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(_application(), "/ws/who/", headers=[(b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    try:
        return await communicator.receive_json_from()
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_websocket_connection_follows_the_same_rules():
    """Over WebSocket, a staff session without MFA is an ordinary user, one
    with MFA keeps its powers, and an idle-expired session is anonymous."""

    @database_sync_to_async
    def sessions():
        staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
        without, with_mfa, idle = Client(), Client(), Client()
        without.force_login(staff)
        login_with_mfa(with_mfa, staff)
        learner = UserFactory(email="learner@example.org")
        idle.force_login(learner)
        session = idle.session
        session[LAST_SEEN_SESSION_KEY] = int(time.time()) - 4 * 24 * 3600
        session.save()
        return without, with_mfa, idle

    without, with_mfa, idle = await sessions()
    assert await _who(without) == {
        "authenticated": True,
        "is_staff": False,
        "is_superuser": False,
        "may_view_certificates": False,
    }
    assert await _who(with_mfa) == {
        "authenticated": True,
        "is_staff": True,
        "is_superuser": True,
        "may_view_certificates": True,
    }
    assert (await _who(idle))["authenticated"] is False


# ---------------------------------------------------------------------------
# Idle timeout
# ---------------------------------------------------------------------------


def _idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends(settings, user_client):
    """After the idle timeout the next page is an anonymous visit, and says why."""
    _idle_for(user_client, settings.ACCOUNTS_SESSION_IDLE_TIMEOUT + 60)
    response = user_client.get(en("dashboard"), follow=True)
    assert response.redirect_chain[0][0].startswith("/en/accounts/login/")
    assert "_auth_user_id" not in user_client.session
    assert "signed out after a while without activity" in response.content.decode()


def test_staff_sessions_end_sooner(settings, user_client, staff_client):
    """Half an hour idle ends a staff session, not a learner's."""
    idle = settings.ACCOUNTS_STAFF_SESSION_IDLE_TIMEOUT + 60
    assert idle < settings.ACCOUNTS_SESSION_IDLE_TIMEOUT
    learner = Client()
    learner.force_login(UserFactory(email="learner2@example.org"))
    _idle_for(learner, idle)
    assert learner.get(en("dashboard")).status_code == 200
    _idle_for(staff_client, idle)
    assert staff_client.get(en("dashboard")).status_code == 302
    assert "_auth_user_id" not in staff_client.session


def test_activity_keeps_a_session_alive(settings, user_client):
    """A session used within the timeout carries on, and the clock restarts."""
    _idle_for(user_client, settings.ACCOUNTS_SESSION_IDLE_TIMEOUT - 120)
    assert user_client.get(en("dashboard")).status_code == 200
    assert user_client.session[LAST_SEEN_SESSION_KEY] >= int(time.time()) - 5


# ---------------------------------------------------------------------------
# Remember me
# ---------------------------------------------------------------------------


def test_a_sign_in_by_code_lasts_only_for_the_browser_session(client, user):
    """The code form has no "remember me": its session cookie ends with the browser."""
    client.post(en("account_request_login_code"), {"email": user.email})
    code = re.search(r"\d{4}-\d{4}-\d{4}", mail.outbox[-1].body).group(0)
    client.post(en("account_confirm_login_code"), {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expire_at_browser_close()
    assert not client.cookies["sessionid"]["max-age"]


def test_a_password_sign_in_is_remembered_only_when_asked(client, user, password):
    client.post(en("account_login"), {"login": user.email, "password": password})
    assert client.session.get_expire_at_browser_close()
    other = Client()
    other.post(en("account_login"), {"login": user.email, "password": password, "remember": "on"})
    assert not other.session.get_expire_at_browser_close()
    assert other.cookies["sessionid"]["max-age"]
