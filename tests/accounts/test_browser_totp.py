"""Setting up the authenticator app on a phone (390 px wide), in Chromium.

Someone who cannot scan a QR code shown on their own phone types or pastes
the secret instead: it must be shown whole, readable and copyable.
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from tests.conftest import reauthenticate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_the_totp_secret_is_whole_grouped_and_copyable_on_a_phone(page, live_server, user):
    import zxingcpp
    from PIL import Image

    client = Client()
    client.force_login(user)
    reauthenticate(client)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/en/accounts/2fa/totp/activate/")

    shown = page.locator(".totp-secret__value")
    text = shown.inner_text()
    groups = text.split()
    assert all(len(group) == 4 for group in groups[:-1]), text
    secret = "".join(groups)

    # The QR code on the page carries the same secret (read by zxing, not by us).
    qr = page.locator("img.qr")
    qr.screenshot(path=str(live_server_tmp(page) / "qr.png"))
    codes = zxingcpp.read_barcodes(Image.open(live_server_tmp(page) / "qr.png"))
    assert codes and f"secret={secret}" in codes[0].text

    # Nothing is cut off: the box is as wide as its text and inside the screen.
    box = shown.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert shown.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path=str(live_server_tmp(page) / "totp-activate-390.png"), full_page=True)

    page.get_by_role("button", name="Copy the secret").click()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/2fa/recovery-codes/**")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def live_server_tmp(page):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
