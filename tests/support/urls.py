"""Every URL the project serves, read from the resolvers (HTTP and WebSocket).

``http_endpoints()`` walks Django's URL resolver and ``websocket_endpoints()``
the ``URLRouter`` inside ``lms.asgi.application``; each gives one
``Endpoint`` per URL pattern, with a stable ``key`` (its route, language
prefix left out) and ``url(values)`` to build a path that resolves to it.
Values missing from ``values`` are filled with a sample that matches the
pattern's regular expression, so any pattern can be requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import _constants as sre_constants  # Python 3.11+
from re import _parser as sre_parse

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern
from django.utils import translation

LOCAL_APPS = ("lms", "accounts", "courses", "workshops", "mentoring", "certificates")


@dataclass(frozen=True)
class Endpoint:
    key: str  #: the route as written, without the language prefix; "#2" for a repeat
    patterns: tuple  #: the pattern at each level, outermost first
    callback: object = field(compare=False)
    name: str | None = None  #: namespaced URL name
    i18n: bool = False  #: under the language prefix
    namespaces: tuple = ()

    @property
    def module(self) -> str:
        view_class = getattr(self.callback, "view_class", None)
        target = view_class or self.callback
        return getattr(target, "__module__", "") or ""

    @property
    def is_admin(self) -> bool:
        return self.key.startswith("admin/")

    def url(self, values: dict | None = None, language: str = "en") -> str:
        """A path for this pattern, with ``values`` for its named (or numbered) groups."""
        values = dict(values or {})
        parts = []
        with translation.override(language):
            for pattern in self.patterns:
                if isinstance(pattern, LocalePrefixPattern):
                    parts.append(pattern.language_prefix)
                else:
                    parts.append(sample(pattern.regex.pattern, values))
        return "/" + "".join(parts)


def _route(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return ""
    return str(pattern)


def _walk(patterns, prefix=(), namespaces=(), i18n=False):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns,
                prefix + (entry.pattern,),
                namespaces + ((entry.namespace,) if entry.namespace else ()),
                i18n or isinstance(entry.pattern, LocalePrefixPattern),
            )
        elif isinstance(entry, URLPattern):
            yield prefix + (entry.pattern,), entry, namespaces, i18n


def _endpoints(patterns, module_of=None) -> list[Endpoint]:
    seen: dict[str, int] = {}
    endpoints = []
    for levels, entry, namespaces, i18n in _walk(patterns):
        route = "".join(_route(p) for p in levels)
        seen[route] = seen.get(route, 0) + 1
        key = route if seen[route] == 1 else f"{route}#{seen[route]}"
        name = ":".join([*namespaces, entry.name]) if entry.name else None
        endpoints.append(
            Endpoint(
                key=key,
                patterns=levels,
                callback=entry.callback,
                name=name,
                i18n=i18n,
                namespaces=namespaces,
            )
        )
    return endpoints


def http_endpoints() -> list[Endpoint]:
    return _endpoints(get_resolver().url_patterns)


def websocket_endpoints() -> list[Endpoint]:
    """The routes of the ``URLRouter`` that ``lms.asgi`` mounts for WebSocket."""
    from channels.routing import URLRouter

    from lms.asgi import application

    app = application.application_mapping["websocket"]
    while not isinstance(app, URLRouter):
        app = next(
            getattr(app, name)
            for name in ("inner", "application", "app")
            if getattr(app, name, None) is not None
        )
    return _endpoints(app.routes)


# ---------------------------------------------------------------------------
# A string that matches a URL regex, with chosen values for its groups
# ---------------------------------------------------------------------------

_CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_DIGIT: "1",
    sre_constants.CATEGORY_WORD: "a",
    sre_constants.CATEGORY_SPACE: " ",
}


def _sample_in(items) -> str:
    if items and items[0][0] is sre_constants.NEGATE:
        excluded = "".join(_sample_in([item]) for item in items[1:])
        return next(c for c in "a1x-_" if c not in excluded)
    for op, value in items:
        if op is sre_constants.LITERAL:
            return chr(value)
        if op is sre_constants.RANGE:
            return chr(value[0])
        if op is sre_constants.CATEGORY:
            return _CATEGORY_SAMPLES.get(value, "a")
    return "a"


def _generate(parsed, values: dict, names: dict) -> str:
    out = []
    for op, value in parsed:
        if op is sre_constants.LITERAL:
            out.append(chr(value))
        elif op is sre_constants.IN:
            out.append(_sample_in(value))
        elif op is sre_constants.NOT_LITERAL:
            out.append("b" if chr(value) == "a" else "a")
        elif op is sre_constants.ANY:
            out.append("a")
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, _high, sub = value
            out.append(_generate(sub, values, names) * low)
        elif op is sre_constants.SUBPATTERN:
            group, _add, _del, sub = value
            name = names.get(group)
            if name in values:
                out.append(str(values[name]))
            elif group in values:
                out.append(str(values[group]))
            else:
                out.append(_generate(sub, values, names))
        elif op is sre_constants.BRANCH:
            out.append(_generate(value[1][0], values, names))
        elif op is sre_constants.CATEGORY:
            out.append(_CATEGORY_SAMPLES.get(value, "a"))
        # AT (anchors) and the like add nothing.
    return "".join(out)


def sample(regex: str, values: dict | None = None) -> str:
    """The shortest string matching ``regex``, with ``values`` for named groups
    (or numbered ones, counted from 1)."""
    parsed = sre_parse.parse(regex)
    names = {number: name for name, number in parsed.state.groupdict.items()}
    text = _generate(parsed, values or {}, names)
    if not values and not re.fullmatch(regex, text):  # the generator's own sanity check
        raise ValueError(f"no sample for {regex!r}: {text!r}")
    return text


def is_regex(endpoint: Endpoint) -> bool:
    return any(isinstance(p, RegexPattern) for p in endpoint.patterns)
