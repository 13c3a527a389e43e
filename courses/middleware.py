"""Serve cached catalogue pages to anonymous visitors before Wagtail routes the request.

Wagtail finds a page by walking the tree (site, locale, one query per URL
segment); for the most visited page of the site that costs more than
rendering it from the cache. This middleware answers an anonymous GET for
the catalogue from the cache that ``CatalogueIndexPage.serve`` fills, and
passes every other request on untouched. Every publish, unpublish, move or
deletion in a course tree changes the cache version, so nothing stale is
served (see ``courses.catalogue``).
"""

from django.http import HttpResponse
from django.utils.translation import get_language

from . import catalogue


class CatalogueCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if catalogue.cacheable(request):
            from .wagtail_hooks import catalogue_url

            language = get_language()
            if request.path == catalogue_url(language):
                cached = catalogue.cached_page(request, language)
                if cached is not None:
                    response = HttpResponse(cached, content_type="text/html; charset=utf-8")
                    response["X-Catalogue-Cache"] = "hit"
                    return response
        return self.get_response(request)
