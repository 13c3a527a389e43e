"""A person signs up through the real pages in Chromium, on a phone-sized screen."""

import re

import pytest
from django.core import mail

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_and_reach_the_dashboard(page, live_server):
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill("kanha@example.org")
    page.get_by_label("Display name").fill("Kanha")
    page.get_by_label("Preferred language").select_option("en")
    page.locator("#id_password1").fill("a-long-pass-phrase")
    page.locator("#id_password2").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert User.objects.filter(email="kanha@example.org", display_name="Kanha").exists()

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.goto(path)
    page.get_by_role("button", name="Confirm").click()

    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("kanha@example.org")
    page.locator("#id_password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/dashboard/")
    assert page.get_by_role("heading", name="Welcome, Kanha").is_visible()
