"""Two people in Chromium share a room; one drops offline, writes, and comes back."""

import pytest

from accounts.factories import UserFactory
from workshops.factories import WorkshopFactory

from .servers import daphne, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGES = "#transcript .room-item:not(.room-item--pending) .room-item__text"


def open_room(chromium, base, user, workshop, foreign):
    context = chromium.new_context(base_url=base, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": session_cookie(user), "url": base}])

    def guard(route):
        url = route.request.url
        if url.startswith((base, base.replace("http", "ws"), "data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/en/workshops/{workshop.pk}/")
    page.locator("#room-actions button").first.wait_for()  # rendered after the welcome
    return context, page


def say(page, text):
    page.fill("#room-text", text)
    page.click("#room-form button[type=submit]")


def has_message(page, text):
    page.locator(MESSAGES, has_text=text).wait_for()


def test_offline_writer_catches_up_and_both_end_with_the_same_transcript(chromium):
    workshop = WorkshopFactory(status="live", title_en="Browser room")
    dara, sokha = UserFactory(display_name="Dara"), UserFactory(display_name="Sokha")
    foreign = []
    with daphne() as base:
        dara_context, dara_page = open_room(chromium, base, dara, workshop, foreign)
        sokha_context, sokha_page = open_room(chromium, base, sokha, workshop, foreign)
        try:
            say(dara_page, "Good morning from Phnom Penh")
            has_message(sokha_page, "Good morning from Phnom Penh")
            say(sokha_page, "<img src=x onerror=alert(1)> hello")
            has_message(dara_page, "<img src=x onerror=alert(1)> hello")

            sokha_context.set_offline(True)
            sokha_page.locator("#room-connection").wait_for(state="visible")
            say(sokha_page, "Written while offline")
            sokha_page.locator(".room-item--pending", has_text="Written while offline").wait_for()
            say(dara_page, "Said while Sokha was away")
            has_message(dara_page, "Said while Sokha was away")

            sokha_context.set_offline(False)
            has_message(sokha_page, "Said while Sokha was away")
            has_message(sokha_page, "Written while offline")
            has_message(dara_page, "Written while offline")
            sokha_page.locator("#room-connection").wait_for(state="hidden")

            expected = [
                "Good morning from Phnom Penh",
                "<img src=x onerror=alert(1)> hello",
                "Said while Sokha was away",
                "Written while offline",
            ]
            assert dara_page.locator(MESSAGES).all_text_contents() == expected
            assert sokha_page.locator(MESSAGES).all_text_contents() == expected
            assert sokha_page.locator(".room-item--pending").count() == 0
            assert dara_page.locator("#transcript img").count() == 0, "text, never HTML"
        finally:
            dara_context.close()
            sokha_context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


def test_the_page_header_follows_the_room(chromium):
    """Joining registers the learner, so the header offers "Cancel registration" and
    counts them; once the host ends the workshop, neither registration nor the
    calendar file is offered any more."""
    workshop = WorkshopFactory(status="live", title_en="Header room", capacity=50)
    sokha = UserFactory(display_name="Sokha")
    foreign = []
    with daphne() as base:
        host_context, host_page = open_room(chromium, base, workshop.host, workshop, foreign)
        context, page = open_room(chromium, base, sokha, workshop, foreign)
        try:
            page.locator("#workshop-unregister").wait_for(state="visible")
            assert page.locator("#workshop-register").is_hidden()
            assert page.locator("#workshop-registered").inner_text() == "1 / 50"
            host_page.once("dialog", lambda dialog: dialog.accept())
            host_page.locator("#room-actions button", has_text="End workshop").click()
            page.locator("#workshop-actions").wait_for(state="hidden")
            assert page.locator("#workshop-unregister").is_hidden()
            assert page.get_by_text("Add to calendar (.ics)").is_hidden()
        finally:
            host_context.close()
            context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


def test_the_room_says_live_updates_are_paused_while_redis_is_down(chromium):
    """The server's Redis is killed: the page says live updates are paused (in the
    page's language), what is sent meanwhile is kept, and once Redis is back the
    notice goes and the missed message appears."""
    from tests.support.redis_server import redis_server

    workshop = WorkshopFactory(status="live", title_en="Paused room")
    dara, sokha = UserFactory(display_name="Dara"), UserFactory(display_name="Sokha")
    foreign = []
    with redis_server() as redis, daphne(redis_url=redis.url) as base:
        dara_context, dara_page = open_room(chromium, base, dara, workshop, foreign)
        sokha_context, sokha_page = open_room(chromium, base, sokha, workshop, foreign)
        try:
            notice = sokha_page.locator("#room-connection")
            assert notice.is_hidden()
            redis.kill()
            notice.wait_for(state="visible")
            assert notice.inner_text().startswith("Live updates are paused.")
            say(dara_page, "Said while Redis was down")
            dara_page.locator(".room-item--pending", has_text="Said while Redis").wait_for()
            redis.start()
            notice.wait_for(state="hidden")
            has_message(sokha_page, "Said while Redis was down")
            has_message(dara_page, "Said while Redis was down")
        finally:
            dara_context.close()
            sokha_context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


#: Before the page's scripts: Math.random is what the test says, the delays before a
#: reconnection are recorded, and the room's sockets can be reached.
RECONNECT_PROBE = """
window.__rand = 0;
Math.random = function () { return window.__rand; };
window.__delays = [];
var realSetTimeout = window.setTimeout;
window.setTimeout = function (fn, ms) {
  if (fn && fn.name === "connect") window.__delays.push(ms);
  return realSetTimeout.apply(window, arguments);
};
var RealSocket = window.WebSocket;
window.__sockets = [];
window.WebSocket = class extends RealSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""


def test_the_client_reconnects_with_full_jitter(chromium):
    """The wait before a reconnection is a random share of the whole ceiling (0.5 s
    on the first attempt), as the protocol document says: from 0 (random 0) to
    just under the ceiling (random 0.999), not half the ceiling plus a random half."""
    workshop = WorkshopFactory(status="live", title_en="Jitter room")
    sokha = UserFactory(display_name="Sokha")
    with daphne() as base:
        context = chromium.new_context(base_url=base)
        context.add_cookies([{"name": "sessionid", "value": session_cookie(sokha), "url": base}])
        context.add_init_script(RECONNECT_PROBE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"/en/workshops/{workshop.pk}/")
            page.locator("#room-actions button").first.wait_for()
            delays = []
            for rand, sockets in ((0, 2), (0.999, 3)):
                page.evaluate(f"window.__rand = {rand}; window.__sockets.at(-1).close()")
                # Reconnected (a function, not a string: the page's CSP forbids eval).
                page.wait_for_function(
                    f"() => window.__sockets.length === {sockets}"
                    f" && window.__sockets.at(-1).readyState === 1"
                )
                page.locator("#room-connection").wait_for(state="hidden")  # welcomed
                delays = page.evaluate("window.__delays")
        finally:
            context.close()
    assert delays[0] == 0
    assert 499 <= delays[1] < 500
