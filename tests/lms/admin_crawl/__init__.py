"""What the Khmer admin tests share: an editor's content, the admin's pages
as its menu and URL resolver list them, and the English left on a page.

A new admin view is crawled without changes here when it is in the admin
menu, or is a view of a registered viewset, or takes only a page or a
viewset's object as its parameter: the reports being built now join the
crawl when they register their menu items and viewsets. A view that needs
an object this content lacks is skipped silently, so give ``build_content``
one (and a view whose parameters are new, a line in ``pages.admin_urls``).

The content is written in Khmer, as Cambodian editors write it. What cannot
be Khmer (e-mail addresses, file names, slugs, the English translations of
workshops and organisations) is recorded in ``Content.latin``: words found
there are page content, not interface, and the crawl lets them through. So
does the short ``ALLOWED`` list of names and symbols that stay as they are
in a Khmer interface. Any other Latin word on a page is an English
interface string.

The modules: ``english`` (what a person reads on a page, and the English
left in it), ``content`` (``build_content``), ``pages`` (``admin_urls``,
``form_urls``: the pages and forms the crawl visits).
"""

from .content import Content, build_content
from .english import ALLOWED, UNTRANSLATABLE, english_in, english_on, sidebar_labels
from .pages import admin_urls, form_urls, hidden_fields, page_html, sidebar_urls

__all__ = [
    "ALLOWED",
    "UNTRANSLATABLE",
    "Content",
    "admin_urls",
    "build_content",
    "english_in",
    "english_on",
    "form_urls",
    "hidden_fields",
    "page_html",
    "sidebar_labels",
    "sidebar_urls",
]
