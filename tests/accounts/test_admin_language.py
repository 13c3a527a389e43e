"""One language for a person, on the site and in the Wagtail admin.

The admin answers in the person's preferred language (whatever the browser
asks for), its account page offers Khmer and English by their own names,
and a choice made on either side holds on both.
"""

import pytest
from django import forms
from django.urls import reverse
from wagtail.users.models import UserProfile

from accounts.factories import UserFactory
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.django_db


def staff(language, **fields):
    user = UserFactory(
        email=f"editor-{language}@example.org",
        display_name="Sophea",
        preferred_language=language,
        is_staff=True,
        is_superuser=True,
        **fields,
    )
    return user


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        login_with_mfa(client, user)
        return client

    return sign_in


def account_form(client, **changes):
    """What the admin's account page posts, as its form stands, with ``changes``."""
    page = client.get(reverse("wagtailadmin_account"))
    form = page.context["panels_by_tab"]
    data = {}
    for panels in form.values():
        for panel in panels:
            bound = panel.get_form()
            for name, field in bound.fields.items():
                value = bound[name].value()
                if isinstance(field, forms.FileField) or value is None or value is False:
                    continue
                data[bound.add_prefix(name)] = value
    data.update(changes)
    return data


def test_the_admin_answers_in_the_persons_language_not_the_browsers(client, signed_in):
    """A Khmer-speaking editor gets the dashboard in Khmer even from a browser
    that asks for English, before Wagtail has made them a profile; an
    English-speaking one gets English from a browser that asks for Khmer."""
    khmer = staff("km")
    body = signed_in(khmer).get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="km"' in body
    assert "ផ្ទាំងគ្រប់គ្រង" in body  # "Dashboard"

    english = staff("en")
    body = signed_in(english).get("/admin/", HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert '<html lang="en"' in body
    assert "Dashboard" in body


def test_the_account_page_offers_each_language_by_its_own_name(signed_in):
    """The admin's account page has a language choice: ខ្មែរ and English,
    with the person's current language chosen."""
    client = signed_in(staff("km"))
    body = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="locale-preferred_language"' in body
    assert '<option value="km" selected>ខ្មែរ</option>' in body
    assert '<option value="en">English</option>' in body


def test_choosing_english_in_the_admin_makes_it_the_persons_language(signed_in):
    """Saving English on the admin's account page answers in English, and the
    site follows: English becomes the person's language (the one sign-in
    takes them to and their e-mails are written in)."""
    user = staff("km")
    client = signed_in(user)
    response = client.post(
        reverse("wagtailadmin_account"),
        account_form(client, **{"locale-preferred_language": "en"}),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("wagtailadmin_account"), 302)]
    assert '<html lang="en"' in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert UserProfile.get_for_user(user).preferred_language == "en"


def test_the_server_language_is_khmer_for_both(signed_in):
    """ "Use server language" on the admin's account page is Khmer, the
    server's language, for the admin and the site."""
    user = staff("en")
    client = signed_in(user)
    client.post(
        reverse("wagtailadmin_account"),
        account_form(client, **{"locale-preferred_language": ""}),
    )
    user.refresh_from_db()
    assert user.preferred_language == "km"
    assert UserProfile.get_for_user(user).preferred_language == "km"
    assert '<html lang="km"' in client.get("/admin/").content.decode()


def test_changing_the_language_on_the_site_changes_the_admins(signed_in):
    """A language chosen on the site's profile page is the admin's too, also
    for someone who once chose another one on the admin's account page."""
    user = staff("km")
    client = signed_in(user)
    client.post(
        reverse("wagtailadmin_account"),
        account_form(client, **{"locale-preferred_language": "km"}),
    )
    with_url = reverse("accounts:profile")
    response = client.post(
        with_url,
        {"display_name": "Sophea", "legal_name": "", "preferred_language": "en"},
    )
    assert response.status_code == 302
    assert UserProfile.get_for_user(user).preferred_language == "en"
    assert '<html lang="en"' in client.get("/admin/").content.decode()
