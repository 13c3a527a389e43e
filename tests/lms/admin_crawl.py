"""What the Khmer admin tests share: an editor's content, the admin's pages
as its menu and URL resolver list them, and the English left on a page.

A new admin view is crawled without changes here when it is in the admin
menu, or is a view of a registered viewset, or takes only a page or a
viewset's object as its parameter: the reports being built now join the
crawl when they register their menu items and viewsets. A view that needs
an object this content lacks is skipped silently, so give ``build_content``
one (and a view whose parameters are new, a line in ``admin_urls``).

The content is written in Khmer, as Cambodian editors write it. What cannot
be Khmer (e-mail addresses, file names, slugs, the English translations of
workshops and organisations) is recorded in ``Content.latin``: words found
there are page content, not interface, and the crawl lets them through. So
does the short ``ALLOWED`` list of names and symbols that stay as they are
in a Khmer interface. Any other Latin word on a page is an English
interface string.
"""

from __future__ import annotations

import io
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.admin.viewsets import viewsets
from wagtail.contrib.redirects.models import Redirect
from wagtail.coreutils import resolve_model_string
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    Page,
    PageLogEntry,
    Revision,
    Task,
    Workflow,
    WorkflowPage,
)

# Names and symbols a Khmer interface keeps as they are. Nothing else in
# Latin letters may be interface text.
ALLOWED = {
    # Product and technology names.
    "Wagtail",
    "JavaScript",
    "CSO",  # the site name, "CSO Academy" (WAGTAIL_SITE_NAME)
    "Academy",
    "Embedly",
    # Formats and units, as Khmer technical writing writes them.
    "URL",
    "CSV",
    "XLSX",
    "PDF",
    "MP3",
    "MP4",
    "JSON",
    "UTC",
    "API",
    "token",
    "KB",
    "MB",
    "GB",
    "regex",
    "monospace",
    # Image and file formats, and the hash a certificate's PDF is sealed with.
    "AVIF",
    "GIF",
    "JPG",
    "JPEG",
    "PNG",
    "WEBP",
    "TSV",
    "SHA",
    # The file name extensions documents may have, as the upload form lists them.
    *settings.WAGTAILDOCS_EXTENSIONS,
    # Keys, as printed on keyboards.
    "Ctrl",
    "Shift",
    "Alt",
    "Esc",
    "Enter",
    # A language named in itself, in the language menus.
    "English",
}

# English that Wagtail 8.0.1 writes and offers no way to translate, short of
# copying its templates or changing its models' migrations (see
# lms/locale_overrides/README.md, "Left in English"): page-path pattern,
# text pattern. Each is named, not guessed.
UNTRANSLATABLE = [
    # A screen-reader-only "Search" button hard-coded in the search forms of
    # wagtailadmin/home.html and wagtailadmin/shared/header.html.
    ("", r"^Search$"),
    # Column headings of the Sites listing, made from attribute names.
    ("/admin/sites/", r"\b(Port|Site name|Root page)\b"),
    # The Locale and SimpleTranslation models' names, derived by Django from
    # their class names (Wagtail gives them no verbose_name).
    ("/admin/locales/", r"\bLocales?\b|\blocales\b"),
    ("/admin/groups/", r"^(Locale|Simple translation)$"),
]
UNTRANSLATABLE = [(prefix, re.compile(pattern)) for prefix, pattern in UNTRANSLATABLE]

WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]")
# Not words: web and e-mail addresses, codes with digits in them
# (certificate codes, hashes), model names ("courses.lessonpage") and other
# identifiers with an underscore ("workflow_tasks-TOTAL_FORMS").
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|\b\w*\d[\w-]*|\b[a-z_]+\.[a-z_]+\b"
    r"|[\w-]*_[\w-]*"
)
# Attributes whose values a person reads or hears (tooltips, screen readers,
# placeholders, button labels, what a button says while it works).
READ_ATTRIBUTES = {
    "title",
    "aria-label",
    "aria-description",
    "placeholder",
    "alt",
    "data-w-tooltip-content-value",
    "data-w-progress-active-value",
}
SKIP_ELEMENTS = {"script", "style", "textarea", "svg", "code", "pre"}
TIME_ZONES = zoneinfo.available_timezones()


class InterfaceText(HTMLParser):
    """Text a person reads on a page: text nodes, read attributes, button values.

    Leaves out scripts, styles, icons, form values and text areas (what the
    editor typed), the error counter Wagtail's script fills in, and the
    options of a time-zone menu whose label is the zone's IANA name (a place
    name, localised by the browser).
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping: list[str] = []  # the element being skipped, once per nesting level
        self._in_head = False
        self._title = False
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skipping:
            if tag == self._skipping[0] and tag not in self.VOID:
                self._skipping.append(tag)
            return
        if tag in SKIP_ELEMENTS or "data-side-panel-toggle-counter" in attrs:
            if tag not in self.VOID:
                self._skipping.append(tag)
            return
        if tag == "head":
            self._in_head = True
        elif tag == "title":
            self._title = True
        elif tag == "option":
            self._option_value = attrs.get("value")
        for name, value in attrs.items():
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            if attrs.get("value"):
                self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._skipping:
            if tag == self._skipping[0]:
                self._skipping.pop()
            return
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._title = False
        elif tag == "option":
            self._option_value = None

    def handle_data(self, data):
        if self._skipping or (self._in_head and not self._title):
            return
        text = data.strip()
        if not text:
            return
        if self._option_value in TIME_ZONES and text == self._option_value:
            return
        self.texts.append(text)


def sidebar_labels(html: str) -> list[str]:
    """Labels of the admin menu, which Wagtail's script renders from JSON."""
    found = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    if not found:
        return []
    labels = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("label", "footer_text"):
                if isinstance(node.get(key), str) and node[key]:
                    labels.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(found.group(1)))
    return labels


def sidebar_urls(html: str) -> list[str]:
    found = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    return re.findall(r'"url": "(/admin/[^"]*)"', found.group(1)) if found else []


def page_html(response) -> str | None:
    """The HTML a response shows: a page, or a chooser's modal (JSON with HTML)."""
    kind = response["Content-Type"]
    if kind.startswith("text/html"):
        return response.content.decode()
    if kind.startswith("application/json"):
        data = response.json()
        if isinstance(data, dict) and isinstance(data.get("html"), str):
            return data["html"]
    return None


def english_on(
    html: str, allowed: set[str], url: str = "", data: set[str] = frozenset()
) -> list[str]:
    """The interface texts of ``html`` that still contain an English word.

    ``data`` are whole texts that come from the database as they were stored
    (the names of permissions); ``UNTRANSLATABLE`` lists Wagtail's own.
    """
    parser = InterfaceText()
    parser.feed(html)
    return english_in(parser.texts + sidebar_labels(html), allowed, url, data)


def english_in(texts, allowed: set[str], url: str = "", data: set[str] = frozenset()) -> list[str]:
    """The texts that still contain an English word (see ``english_on``)."""
    left = []
    for text in texts:
        if text in data:
            continue
        reading = text
        for prefix, pattern in UNTRANSLATABLE:
            if url.startswith(prefix):
                reading = pattern.sub(" ", reading)
        words = [w for w in WORD.findall(NOT_WORDS.sub(" ", reading)) if w not in allowed]
        if words:
            left.append(text)
    return sorted(set(left))


# ---------------------------------------------------------------------------
# The editor's content
# ---------------------------------------------------------------------------


@dataclass
class Content:
    pages: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    latin: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)

    @property
    def sample_pages(self):
        return [self.pages["lesson"], self.pages["about"]]

    def allow(self, *texts: str) -> None:
        for text in texts:
            for word in WORD.findall(text or ""):
                self.latin.update([word, *word.split("-")])


def _png(colour=(40, 120, 90)) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), colour).save(buffer, "PNG")
    return ImageFile(buffer, name="mekong-river.png")


def build_content(editor) -> Content:
    """Pages of every type, media, and a record in every admin listing."""
    from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
    from certificates.services import issuing
    from courses.factories import (
        EnrolmentFactory,
        home_page,
        lesson_page,
        module_page,
        publish,
        quiz_block,
    )
    from courses.factories import catalogue_page as make_catalogue
    from courses.factories import course_page as make_course
    from lms.models import StandardPage
    from mentoring import services as mentoring_services
    from mentoring.factories import MentoringOfferFactory, MentoringRequestFactory
    from mentoring.models import MentoringExclusion
    from workshops.factories import WorkshopFactory
    from workshops.models import Attendance

    content = Content()
    # Wagtail's first migration leaves a "Welcome" page, which a real site
    # deletes; its other rows (the tree root, groups, a workflow) are
    # content in English, named by whoever set the site up.
    welcome_title = ""
    for welcome in Page.objects.filter(depth=2).exact_type(Page):
        welcome_title = welcome.title  # the site's history records its deletion
        welcome.delete()

    # The root collection comes from a migration, which a flushed database lacks.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.add_child(name="រូបភាពវគ្គសិក្សា")
    image = get_image_model().objects.create(title="ទន្លេមេគង្គ", file=_png(), collection=collection)
    document = get_document_model().objects.create(
        title="សៀវភៅណែនាំហិរញ្ញវត្ថុ",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="finance-handbook.pdf"),
    )
    content.allow(image.file.name, document.file.name)
    content.objects.update(collection=collection, image=image, document=document)

    home = home_page("km")
    catalogue = make_catalogue("km", intro="វគ្គសិក្សាសម្រាប់អង្គការសង្គមស៊ីវិល")
    course = make_course(
        catalogue,
        title="ការគ្រប់គ្រងហិរញ្ញវត្ថុ",
        slug="finance",
        summary="វគ្គសិក្សាខ្លីមួយ។",
        cover_image=image,
        topics=["financial-management"],
    )
    module = module_page(course, title="ជំពូកទី១", slug="chapter-1")
    lesson = lesson_page(
        module,
        title="ថវិកាប្រចាំឆ្នាំ",
        slug="budget",
        body=[
            ("heading", "ថវិកា"),
            ("paragraph", "<p>អានអត្ថបទនេះ។</p>"),
            ("image", {"image": image, "alt_text": "ទន្លេ", "caption": "ទន្លេមេគង្គ"}),
            (
                "video",
                {
                    "title": "វីដេអូណែនាំ",
                    "file": document,
                    "transcript": "<p>អត្ថបទវីដេអូ។</p>",
                },
            ),
            ("document", {"document": document, "description": "សៀវភៅ"}),
            ("callout", {"kind": "tip", "title": "គន្លឹះ", "text": "<p>រក្សាបង្កាន់ដៃ។</p>"}),
            quiz_block(
                [
                    {
                        "text": "តើថវិកាជាអ្វី?",
                        "answers": [("ផែនការ", True, "ត្រូវ។"), ("របាយការណ៍", False, "ខុស។")],
                    }
                ],
                title="ពិនិត្យការយល់ដឹង",
            ),
        ],
    )
    about = publish(home, StandardPage(title="អំពីយើង", slug="about", body="<p>អំពីយើង។</p>"))
    # A draft on top of the published lesson, and a second revision to compare.
    lesson.title = "ថវិកាប្រចាំឆ្នាំ (កែសម្រួល)"
    lesson.save_revision(user=editor)
    content.pages.update(
        home=home, catalogue=catalogue, course=course, module=module, lesson=lesson, about=about
    )
    content.allow("home", "courses", "finance", "chapter-1", "budget", "about", "localhost")

    # Moderation: a workflow with a group-approval task, a page in it.
    moderators, _ = Group.objects.get_or_create(name="អ្នកត្រួតពិនិត្យ")
    editor.groups.add(moderators)
    task = GroupApprovalTask.objects.create(name="ការត្រួតពិនិត្យខ្លឹមសារ")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="ការអនុម័តវគ្គសិក្សា")
    workflow.workflow_tasks.create(task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=about)
    workflow.start(about, editor)
    content.objects.update(workflow=workflow, task=task, group=moderators)

    redirect = Redirect.objects.create(old_path="/old-courses", redirect_page=catalogue)
    content.allow(redirect.old_path)

    # People, organisations, mentoring: a round approved (so a pair exists),
    # and a round under review.
    learner = UserFactory(email="sokha@example.org", display_name="សុខា", legal_name="ចាន់ សុខា")
    host = UserFactory(email="dara@example.org", display_name="ដារ៉ា")
    content.allow(learner.email, host.email)
    markets = []
    for mentee_km, mentee_en, mentor_km, mentor_en in (
        ("យុវជនស្ទឹងត្រែង", "Stung Treng Youth", "ជំនួយហិរញ្ញវត្ថុក្រចេះ", "Kratie Finance Helpdesk"),
        ("ស្ត្រីកំពត", "Kampot Women", "បណ្ដាញច្បាប់បាត់ដំបង", "Battambang Legal Network"),
    ):
        asking = OrganisationFactory(
            name_km=mentee_km, name_en=mentee_en, province="19", year_founded=2023, staff_size=4
        )
        offering = OrganisationFactory(
            name_km=mentor_km, name_en=mentor_en, province="10", year_founded=2001, staff_size=30
        )
        content.allow(asking.name_en, asking.slug, offering.name_en, offering.slug)
        MembershipFactory(user=learner, organisation=asking, role="representative")
        MembershipFactory(user=host, organisation=offering, role="representative")
        markets.append((asking, offering))
    partner = OrganisationFactory(name_km="អង្គការដៃគូ", name_en="Partner")
    content.allow(partner.name_en, partner.slug)
    MentoringExclusion.objects.create(
        organisation=markets[0][0],
        other_organisation=partner,
        kind=MentoringExclusion.Kind.CONFLICT,
        reason="អ្នកដឹកនាំដូចគ្នា",
    )

    def open_market(asking, offering):
        MentoringRequestFactory(
            organisation=asking, needs={"financial-management": "must"}, goals="សរសេររបាយការណ៍។"
        )
        MentoringOfferFactory(
            organisation=offering,
            focus_areas=["financial-management"],
            mentors=[host],
            description="យើងជួយរៀបចំបញ្ជីគណនេយ្យ។",
        )

    open_market(*markets[0])
    approved = mentoring_services.open_round(editor, name="ជុំទី១ ឆ្នាំ២០២៦")
    mentoring_services.run_round(editor, approved)
    mentoring_services.approve_round(editor, approved)
    open_market(*markets[1])
    matching_round = mentoring_services.open_round(editor, name="ជុំទី២ ឆ្នាំ២០២៦")
    mentoring_services.run_round(editor, matching_round)
    content.objects.update(learner=learner, matching_round=matching_round)

    # A workshop with attendance, an enrolment, a certificate.
    workshop = WorkshopFactory(
        title_km="សិក្ខាសាលាថវិកា",
        title_en="Budget workshop",
        description_km="សូមយកសំណួរមក។",
        host=host,
        course=course,
    )
    content.allow(workshop.title_en, workshop.description_en)
    now = timezone.now()
    Attendance.objects.create(
        workshop=workshop,
        user=learner,
        first_joined_at=now - timedelta(minutes=50),
        last_left_at=now,
        minutes=45,
        attended=True,
    )
    enrolment = EnrolmentFactory(user=learner, course=course)
    issuing.confirm_name(learner, legal_name="ចាន់ សុខា")
    certificate = issuing.issue_for(enrolment)
    content.objects.update(workshop=workshop, enrolment=enrolment, certificate=certificate)
    # As if edited in the admin: every revision and publication has its author.
    Revision.objects.filter(user=None).update(user=editor)
    PageLogEntry.objects.filter(user=None).update(user=editor)
    content.allow(certificate.code)
    # Django stores permission names in English when it creates them, and
    # the group form shows them as stored (also as "app | model | name").
    with translation.override("km"):
        for permission in Permission.objects.select_related("content_type"):
            content.data.update({permission.name, str(permission)})
    content.allow(
        welcome_title,
        Page.get_first_root_node().title,
        *Group.objects.values_list("name", flat=True),
        *Workflow.objects.values_list("name", flat=True),
        *Task.objects.values_list("name", flat=True),
    )
    return content


# ---------------------------------------------------------------------------
# The admin's pages
# ---------------------------------------------------------------------------


def _patterns(resolver, prefix="", namespace=None):
    """(route, full name, parameter names) of every named URL under ``resolver``."""
    for item in resolver.url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _patterns(item, route, inner)
        elif isinstance(item, URLPattern) and item.name:
            name = f"{namespace}:{item.name}" if namespace else item.name
            yield route, name, set(item.pattern.regex.groupindex)


# Admin routes that are not pages to read: the site's own pages shown in the
# preview, downloads, background requests, and Wagtail's deliberate error page.
NOT_PAGES = re.compile(
    r"preview|view_draft|revisions_view|export|failwhale|error_test|logout|dismissibles"
    r"|editing_sessions|autocomplete|bulk_action|jsi18n|_results$|url_generator_output"
    r"|wagtailadmin_api|chosen"
)


def _page_kwargs(page) -> dict:
    revisions = list(page.revisions.order_by("pk").values_list("pk", flat=True))
    kwargs = {
        "page_id": page.pk,
        "parent_page_id": page.pk,
        "page_to_move_id": page.pk,
        "revision_id": revisions[-1],
        "revision_id_a": revisions[0],
        "revision_id_b": revisions[-1],
    }
    state = page.workflow_states.order_by("pk").last()
    if state is not None:
        kwargs["workflow_state_id"] = state.pk
    return kwargs


def admin_urls(client, client_user, content: Content) -> tuple[list[str], set[str]]:
    """Every admin page an editor of this content reaches, and the ones that
    must open (answer 200).

    Found from the admin menu, as the dashboard sends it, and from the URL
    resolver: every admin route whose parameters this content fills (each
    page's views, each viewset's views of one of its objects, each page
    type's "add" under a parent that allows it, the media, the choosers).
    """
    from wagtail.contrib.settings.registry import registry as settings_registry

    must_open = {"/admin/", reverse("wagtailadmin_account")}
    must_open.update(sidebar_urls(client.get("/admin/").content.decode()))
    routes = [(n, p) for r, n, p in _patterns(get_resolver()) if r.startswith("admin/")]
    routes = [(name, params) for name, params in routes if not NOT_PAGES.search(name)]
    found = set()

    objects = content.objects
    by_namespace, editable = {}, {}
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if viewset.name and model is not None:
            model = resolve_model_string(model) if isinstance(model, str) else model
            instance = model._default_manager.order_by("pk").first()
            if instance is not None:
                by_namespace[viewset.url_namespace] = instance
                # The views an editor is offered: edit where the policy allows
                # changes, inspect where the viewset has it.
                policy = getattr(viewset, "permission_policy", None)
                views = set()
                if hasattr(policy, "user_has_permission") and policy.user_has_permission(
                    client_user, "change"
                ):
                    views.add("edit")
                if getattr(viewset, "inspect_view_enabled", False):
                    views.add("inspect")
                editable[viewset.url_namespace] = views
    by_namespace["certificates_admin"] = objects["certificate"]
    single = {
        "image_id": objects["image"].pk,
        "document_id": objects["document"].pk,
        "collection_id": objects["collection"].pk,
        "redirect_id": Redirect.objects.get().pk,
    }
    page_types = {type(p) for p in content.pages.values()}
    settings_models = list(settings_registry)

    for name, params in routes:
        namespace = name.rpartition(":")[0]
        if not params:
            found.add(reverse(name))
        elif params == {"pk"} and namespace in by_namespace:
            url = reverse(name, kwargs={"pk": by_namespace[namespace].pk})
            found.add(url)
            if name.rpartition(":")[2] in editable.get(namespace, ()):
                must_open.add(url)
        elif params <= set(single):
            found.add(reverse(name, kwargs={key: single[key] for key in params}))
        elif params == {"app_name", "model_name"} and namespace == "wagtailsettings":
            for model in settings_models:
                meta = model._meta
                found.add(reverse(name, args=[meta.app_label, meta.model_name]))
        elif params == {"content_type_app_name", "content_type_model_name"} or (
            params == {"app_label", "model_name"} and name == "wagtailadmin_pages:choose_parent"
        ):
            for page_type in page_types:
                meta = page_type._meta
                found.add(reverse(name, args=[meta.app_label, meta.model_name]))
        elif params == {"app_label", "model_name"} and name == "wagtailadmin_workflows:add_task":
            found.add(reverse(name, args=["wagtailcore", "groupapprovaltask"]))
        elif namespace in ("wagtailadmin_pages", "") or name.startswith("wagtailadmin_"):
            # The editor and the explorer for every page type; the page's
            # other views (history, revisions, move, copy, privacy, ...) show
            # the same text for every type, so for two pages: a lesson, and
            # a page in a workflow.
            every_type = name in ("wagtailadmin_pages:edit", "wagtailadmin_explore")
            pages = content.pages.values() if every_type else content.sample_pages
            for page in pages:
                kwargs = _page_kwargs(page)
                if name == "wagtailadmin_pages:revisions_compare":
                    kwargs["pk"] = page.pk
                if params <= set(kwargs) and name != "wagtailadmin_pages:add":
                    url = reverse(name, kwargs={key: kwargs[key] for key in params})
                    found.add(url)
                    if every_type:
                        must_open.add(url)

    # "Add" for every page type, under a parent that takes it.
    for page in content.pages.values():
        for page_type in page.specific_class.allowed_subpage_models():
            meta = page_type._meta
            if page_type.can_create_at(page):
                args = [meta.app_label, meta.model_name, page.pk]
                url = reverse("wagtailadmin_pages:add", args=args)
                found.add(url)
                must_open.add(url)
    return sorted(found | must_open), must_open


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (formsets' management forms ...)."""
    fields = {}

    class Hidden(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
                fields.setdefault(attrs["name"], attrs.get("value") or "")

    Hidden().feed(html)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def form_urls(user, content: Content) -> list[str]:
    """Every admin form that creates something ``user`` may create, and the
    certificate actions: posted empty, each answers with its errors."""
    refused = set()
    for viewset in viewsets.viewsets:
        policy = getattr(viewset, "permission_policy", None)
        if viewset.name and hasattr(policy, "user_has_permission"):
            if not policy.user_has_permission(user, "add"):
                refused.add(viewset.url_namespace)
    urls = {
        reverse(name)
        for route, name, params in _patterns(get_resolver())
        if route.startswith("admin/")
        and name.endswith(":add")
        and not params
        and name.rpartition(":")[0] not in refused
    }
    for page in content.sample_pages:
        for page_type in page.specific_class.allowed_subpage_models():
            meta = page_type._meta
            urls.add(
                reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, page.pk])
            )
    certificate = content.objects["certificate"]
    urls.update(
        reverse(f"certificates_admin:{action}", args=[certificate.pk])
        for action in ("revoke", "reissue")
    )
    return sorted(urls)
