"""On a 390 px phone the navigation shows the unread count on one line, in Khmer
and in English, and the centre opens from it."""

import os

import pytest
from django.test import Client

from accounts.factories import UserFactory

from .test_centre import add_notices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_count_fits_the_phone_navigation_and_opens_the_centre(page, live_server, language):
    user = UserFactory(
        email=f"phone-{language}@example.org",
        display_name="Chanthavy Sophearith",
        preferred_language=language,
    )
    add_notices(user, 12)
    add_notices(user, 2, days_ago=1, start=50)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/{language}/dashboard/")
    link = page.locator(".notice-link")
    count = page.locator(".notice-link__count")
    assert count.inner_text() == "14"
    box, count_box = link.bounding_box(), count.bounding_box()
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    assert box["height"] < 1.8 * line, "the link and its count stay on one line"
    assert abs((count_box["y"] + count_box["height"] / 2) - (box["y"] + box["height"] / 2)) < 4
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    folder = os.environ.get("NOTICE_SCREENSHOTS")
    if folder:  # for people reviewing the layout: NOTICE_SCREENSHOTS=/some/dir
        page.screenshot(path=f"{folder}/nav-{language}.png")
    link.click()
    page.wait_for_url(f"**/{language}/notices/")
    assert page.locator(".notice-day").count() == 2
    assert page.locator(".notice--unread").count() == 14
    assert page.locator(".notice-link__count").count() == 0, "opened: all read"
    if folder:
        page.screenshot(path=f"{folder}/centre-{language}.png")
