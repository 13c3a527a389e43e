"""The admin's pages an editor reaches, from its menu and its URL resolver,
and the forms the crawl posts empty."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.contrib.redirects.models import Redirect
from wagtail.coreutils import resolve_model_string

from .content import Content


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
