"""The Wagtail admin in Khmer as Chromium renders it, scripts and all.

Wagtail's scripts draw the menu, the StreamField editor, the block chooser
and the rich-text toolbar from the ``djangojs`` catalogue; these tests read
what a person sees on a 1280-pixel screen and take a screenshot of each page
(set ``KHMER_ADMIN_SCREENSHOTS`` to a folder to keep them).
"""

import os
from pathlib import Path

import pytest

from .admin_crawl import ALLOWED, english_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text a person reads or hears on the page: visible text (not what the
# editor typed into fields and editors), and the labels of visible elements.
READ_PAGE = """() => {
    const shown = (el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
    };
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        const text = walker.currentNode.textContent.trim();
        if (!text || !el || !shown(el)) continue;
        if (el.closest("script, style, textarea, code, pre, [contenteditable=true]")) continue;
        texts.push(text);
    }
    for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder]")) {
        if (!shown(el)) continue;
        for (const name of ["aria-label", "title", "placeholder"]) {
            if (el.getAttribute(name)) texts.push(el.getAttribute(name));
        }
    }
    for (const el of document.body.querySelectorAll("input[type=submit], input[type=button]")) {
        if (shown(el) && el.value) texts.push(el.value);
    }
    return texts;
}"""


@pytest.fixture
def screenshots(tmp_path):
    folder = Path(os.environ.get("KHMER_ADMIN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def khmer_page(page, live_server, khmer_admin):
    """The signed-in editor's browser, on a 1280-pixel-wide screen."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": khmer_admin.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def english_seen(page, content):
    return english_in(page.evaluate(READ_PAGE), ALLOWED | content.latin, page.url, content.data)


def test_the_page_editor_in_khmer(khmer_page, content, screenshots):
    """A lesson's editor, drawn by Wagtail's scripts, is in Khmer: the menu,
    the StreamField's blocks and their buttons, the block chooser, the
    rich-text toolbar; a missing title is reported in Khmer."""
    page = khmer_page
    lesson = content.pages["lesson"]
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    stream = page.locator("[data-streamfield-stream-container]").first
    stream.locator("[data-streamfield-child]").first.wait_for()
    assert stream.locator(":scope > [data-streamfield-child]").count() == 7  # the lesson's blocks
    # Block names come from the courses catalogue, their buttons from djangojs.
    for block in ("ចំណងជើង", "វីដេអូ", "ឯកសារសម្រាប់ទាញយក", "ប្រអប់សម្គាល់", "សំណួរសាកល្បង"):
        assert stream.get_by_text(block, exact=True).first.is_visible(), block
    assert stream.get_by_role("button", name="រំកិលចុះក្រោម").first.is_visible()  # Move down
    assert stream.get_by_role("button", name="ស្ទួន").first.is_visible()  # Duplicate
    assert page.get_by_role("button", name="រក្សាទុកសេចក្ដីព្រាង").is_visible()  # Save draft
    page.screenshot(path=screenshots / "lesson-editor.png")
    assert english_seen(page, content) == []

    # The block chooser, a script-drawn menu with a search box.
    stream.get_by_role("button", name="បញ្ចូលប្លុក").first.click()  # Insert a block
    chooser = page.get_by_placeholder("ស្វែងរកជម្រើស…")  # Search options…
    chooser.wait_for()
    assert page.get_by_role("option", name="សំណួរសាកល្បង").is_visible()
    page.screenshot(path=screenshots / "lesson-editor-block-chooser.png")
    assert english_seen(page, content) == []
    page.keyboard.press("Escape")

    page.locator("#id_title").fill("")
    page.get_by_role("button", name="រក្សាទុកសេចក្ដីព្រាង").click()
    page.get_by_text("ប្រអប់នេះត្រូវតែបំពេញ។").first.wait_for()  # This field is required.
    assert page.get_by_text("មិនអាចរក្សាទុកទំព័របានទេ ដោយសារទម្រង់បែបបទមានកំហុស។").is_visible()
    page.screenshot(path=screenshots / "lesson-editor-errors.png")
    assert english_seen(page, content) == []


def test_a_workshop_and_a_round_review_in_khmer(khmer_page, content, screenshots):
    """A workshop's edit page and a matching round's review, in Chromium, are in Khmer."""
    page = khmer_page
    workshop = content.objects["workshop"]
    page.goto(f"/admin/workshop_admin/edit/{workshop.pk}/")
    assert page.get_by_role("heading", name="សិក្ខាសាលាថវិកា", exact=True).is_visible()
    page.screenshot(path=screenshots / "workshop-edit.png", full_page=True)
    assert english_seen(page, content) == []

    matching_round = content.objects["matching_round"]
    page.goto(f"/admin/mentoring/rounds/{matching_round.pk}/")
    assert page.get_by_role("heading", name="ជុំទី២ ឆ្នាំ២០២៦").first.is_visible()
    page.screenshot(path=screenshots / "round-review.png", full_page=True)
    assert english_seen(page, content) == []
