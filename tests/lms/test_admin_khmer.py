"""The Wagtail admin in Khmer: every page an editor meets, no English left.

The crawl finds the admin's pages from its menu and its URL resolver (see
``admin_crawl.admin_urls``) and reads each one as a person would: text,
tooltips, screen-reader labels, placeholders, button labels, the menu. Page
content and the few names in ``admin_crawl.ALLOWED`` aside, any Latin word
is an interface string still in English, and fails the test.
"""

import pytest

from tests.conftest import login_with_mfa

from .admin_crawl import (
    ALLOWED,
    admin_urls,
    english_on,
    form_urls,
    hidden_fields,
    page_html,
)

pytestmark = pytest.mark.django_db


def test_every_admin_page_is_in_khmer(khmer_admin, khmer_editor, content):
    """Each admin page an editor reaches is in Khmer, with no English interface
    text (menus, buttons, tooltips, labels, help, messages); the menu's pages,
    the page editor for every page type, every viewset's edit and inspect
    views and the account page all open."""
    allowed = ALLOWED | content.latin
    urls, must_open = admin_urls(khmer_admin, khmer_editor, content)
    queue, seen = list(urls), set(urls)
    english, read, closed = {}, [], []
    while queue:
        url = queue.pop(0)
        response = khmer_admin.get(url)
        if response.status_code in (301, 302):
            # Follow redirects within the admin (a setting opens at its site's page).
            target = response["Location"]
            if target.startswith("/admin/") and target not in seen:
                seen.add(target)
                queue.append(target)
                must_open.discard(url)
        if response.status_code != 200:
            closed.append((url, response.status_code))
            continue
        html = page_html(response)
        if html is None:
            continue
        read.append(url)
        if left := english_on(html, allowed, url, content.data):
            english[url] = left
    assert not [c for c in closed if c[0] in must_open], closed
    report = "\n".join(f"{url}\n    " + "\n    ".join(texts) for url, texts in english.items())
    assert not english, f"English on {len(english)} of {len(read)} admin pages:\n{report}"
    print(f"read {len(read)} admin pages in Khmer; {len(closed)} routes only take POST or redirect")


def test_form_errors_are_in_khmer(khmer_admin, khmer_editor, content):
    """Every admin form sent with nothing filled in tells the editor what is missing in
    Khmer ("ប្រអប់នេះត្រូវតែបំពេញ។", "This field is required."), with no
    English on the page, and creates nothing."""
    from wagtail.models import Page

    pages = Page.objects.count()
    allowed = ALLOWED | content.latin
    checked, english = [], {}
    for url in form_urls(khmer_editor, content):
        form = khmer_admin.get(url)
        if form.status_code != 200:
            continue  # not offered now (every locale exists already)
        # What a browser sends when nothing is filled in: the hidden fields.
        response = khmer_admin.post(url, hidden_fields(form.content.decode()))
        assert response.status_code == 200, (url, response.status_code)
        html = page_html(response)
        assert "ប្រអប់នេះត្រូវតែបំពេញ។" in html, url
        checked.append(url)
        if left := english_on(html, allowed, url, content.data):
            english[url] = left
    assert Page.objects.count() == pages
    assert not english, english
    assert len(checked) > 10, checked
    print(f"{len(checked)} admin forms give their errors in Khmer")


def test_the_crawl_sees_english_where_there_is_some(client, content):
    """The same reading of an admin page, for an editor who prefers English,
    finds the English interface: the crawl would notice an untranslated string."""

    from accounts.factories import UserFactory

    english_editor = UserFactory(
        email="en-editor@example.org", preferred_language="en", is_staff=True, is_superuser=True
    )
    login_with_mfa(client, english_editor)
    lesson = content.pages["lesson"]
    left = english_on(
        client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode(), ALLOWED | content.latin
    )
    assert "Save draft" in left  # a button
    assert "Toggle side panel" in left  # a tooltip
    assert "Pages" in left  # the menu, which a script renders
