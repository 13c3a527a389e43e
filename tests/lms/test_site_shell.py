"""The bilingual site shell: language prefixes, the switcher, Khmer rendering."""

import pytest
from django.urls import reverse
from django.utils import translation

from lms.demo import seed as seed_home

pytestmark = pytest.mark.django_db


class _Quiet:
    def write(self, *args, **kwargs):
        pass


@pytest.fixture
def home_pages(db):
    seed_home(_Quiet())


def test_root_redirects_to_the_khmer_home_page(client, home_pages):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/km/"


def test_khmer_home_page_renders_khmer_strings(client, home_pages):
    """Interface strings and page content are in Khmer, with lang="km" set."""
    content = client.get("/km/").content.decode()
    assert '<html lang="km">' in content
    assert "បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល" in content  # site name
    assert "ចុះឈ្មោះ" in content  # "Sign up"
    assert "Sign up" not in content


def test_english_home_page(client, home_pages):
    content = client.get("/en/").content.decode()
    assert '<html lang="en">' in content
    assert "Sign up" in content


def test_language_switch_keeps_the_page_for_views(client, home_pages):
    """On an ordinary page the switcher links to the same path and query in the other language."""
    content = client.get("/en/accounts/login/?next=/en/dashboard/").content.decode()
    assert 'href="/km/accounts/login/?next=/en/dashboard/"' in content


def test_language_switch_keeps_the_page_for_wagtail_pages(client, home_pages):
    """On a Wagtail page the switcher links to that page's translation."""
    content = client.get("/km/").content.decode()
    assert 'href="/en/" hreflang="en"' in content
    content = client.get("/en/").content.decode()
    assert 'href="/km/" hreflang="km"' in content


def test_pages_load_nothing_from_other_hosts(client, home_pages):
    """No script, style, font or image comes from another host."""
    import re

    for path in ["/km/", "/en/accounts/signup/", "/km/accounts/login/", "/km/organisations/"]:
        content = client.get(path).content.decode()
        for match in re.finditer(r'(?:src|href)="(https?:)?//', content):
            pytest.fail(f"{path} references another host at {match.start()}")


def test_pages_tell_the_browser_to_load_only_from_this_site(client, home_pages):
    """Every page sends a Content-Security-Policy that allows this site only,
    with no inline or eval'd script; the Wagtail admin has its own (this site
    only too, see test_security_headers)."""
    for path in ["/km/", "/en/accounts/login/", "/verify/AAAAAAAAAAAAAAAAAAAAAAAAAA/"]:
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in client.get(path)["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["connect-src"] == "'self'"
        assert policy["object-src"] == "'none'"
    admin = client.get("/admin/")["Content-Security-Policy"]
    assert "default-src 'self'" in admin and "'unsafe-eval'" not in admin


def test_dashboard_needs_sign_in_and_shows_panels(client, user):
    with translation.override("en"):
        url = reverse("dashboard")
    assert client.get(url).status_code == 302
    client.force_login(user)
    content = client.get(url).content.decode()
    assert "Welcome, Sokha" in content
    assert "My organisations" in content
