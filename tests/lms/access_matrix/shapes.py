"""Rows and what they are built from: URL values, watched state, admin rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection

from .outcomes import (
    ADMIN_REFUSED,
    DONE,
    LOGIN,
    MFA,
    NOT_FOUND,
    OK,
    SENT_BACK,
    Outcome,
    everyone,
    roles,
    signed_in,
)


@dataclass
class Row:
    get: dict[str, Outcome] | None = None  #: None: GET not tried
    post: dict[str, Outcome] | None = None  #: None: POST not tried
    values: Callable = lambda world, which: {}  # noqa: E731 - (world, which) -> URL values
    objects: bool = False  #: also try another person's id and a neighbouring id
    foreign: Outcome = NOT_FOUND  #: what the owner gets for another person's id
    neighbour: Outcome | None = None  #: ... and for a neighbouring id (default: ``foreign``)
    data: Callable | None = None  #: world -> POST body
    state: Callable | None = None  #: world -> what a case must (not) change
    ratelimited: bool = False  #: clear the cache between cases
    shadowed_by: str | None = None  #: this pattern can never match: that one wins


@dataclass(frozen=True)
class Shadowed:
    by: str


def rows(*labels: str) -> Callable:
    """A snapshot of every row of these models (``app_label.Model``), read with
    plain SQL: it runs before and after every case, so it must be cheap (on
    PostgreSQL one query, a digest per table)."""
    tables = [apps.get_model(label)._meta.db_table for label in labels]

    def snapshot(world):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Table names from the models, quoted: no input reaches this SQL.
                digests = ", ".join(
                    f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                    f"FROM {quote(table)} t)"
                    for table in tables
                )
                cursor.execute(f"SELECT {digests}")  # noqa: S608
                return cursor.fetchone()
            result = []
            for table in tables:
                cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608
                result.append(tuple(cursor.fetchall()))
        return tuple(result)

    return snapshot


def combine(*snapshots: Callable) -> Callable:
    return lambda world: tuple(s(world) for s in snapshots)


def sessions(world):
    """Which roles are signed in, and as whom (sessions are rows too)."""
    from django.contrib.sessions.models import Session

    return tuple(
        sorted((s.session_key, s.get_decoded().get("_auth_user_id")) for s in Session.objects.all())
    )


def by_which(own, other, neighbour) -> Callable:
    """URL values from the owner's object, another person's, and a neighbouring one."""
    pick = {"own": own, "other": other, "neighbour": neighbour}
    return lambda world, which: pick[which](world)


def neighbour_pk(own_obj, other_obj) -> int:
    """A primary key next to the owner's that is not the other person's."""
    for candidate in (own_obj.pk + 1, own_obj.pk - 1, own_obj.pk + 2):
        if candidate != other_obj.pk:
            return candidate
    raise AssertionError("no neighbouring id")


def pk_row(attr: str, name: str = "pk") -> Callable:
    """``{name: pk}`` of ``world.own.<attr>``, ``world.rival.<attr>`` or a neighbour."""
    return by_which(
        lambda w: {name: getattr(w.own, attr).pk},
        lambda w: {name: getattr(w.rival, attr).pk},
        lambda w: {name: neighbour_pk(getattr(w.own, attr), getattr(w.rival, attr))},
    )


def org_row(**extra: Callable) -> Callable:
    """``slug`` of the owner's organisation, the other's, or a public one they are not in."""

    def values(world, which):
        org = {"own": world.own.org, "other": world.rival.org, "neighbour": world.public.org}
        result = {"slug": org[which].slug}
        for name, fn in extra.items():
            result[name] = fn(world, which)
        return result

    return values


def pair_row(child: str | None = None, child_name: str | None = None) -> Callable:
    """The owner's pair (and a child of it), the other's, or the owner's pair
    with the other's child (a neighbouring id under the right parent)."""

    def values(world, which):
        pair = world.rival.pair if which == "other" else world.own.pair
        result = {"pk": pair.pk}
        if child:
            side = world.own if which == "own" else world.rival
            result[child_name] = getattr(side, child).pk
        elif which == "neighbour":
            result["pk"] = neighbour_pk(world.own.pair, world.rival.pair)
        return result

    return values


def same_everywhere(values: dict | Callable) -> Callable:
    return lambda world, which: values(world) if callable(values) else values


def token_values(attr: str, *, field: str = "token", name: str = "token") -> Callable:
    def values(world, which):
        if which == "neighbour":
            return {name: "Z" * 32}
        side = world.own if which == "own" else world.rival
        return {name: getattr(getattr(side, attr), field)}

    return values


# -- rows of the usual shapes ------------------------------------------------

PUBLIC_GET = Row(get=everyone(OK))
# allauth's pages for people not signed in send signed-in people on.
ENTRANCE = Row(get=roles(SENT_BACK, anonymous=OK))
SIGNED_IN_PAGE = Row(get=signed_in(OK))


# -- the project's admin views -------------------------------------------------


def admin_row(
    get: Outcome = OK,
    post: Outcome | None = None,
    values: Callable | None = None,
    state: Callable | None = None,
) -> Row:
    """An admin view of the project: only platform staff with MFA in the session.

    Anonymous visitors sign in, people without admin access are turned away
    by Wagtail, a staff session without MFA is asked for a code; the editor
    gets ``get`` (and ``post``, with an empty form, when given).
    """
    return Row(
        get=roles(ADMIN_REFUSED, anonymous=LOGIN, editor=get, staff_nomfa=MFA),
        post=(
            None
            if post is None
            else roles(ADMIN_REFUSED, anonymous=LOGIN, editor=post, staff_nomfa=MFA)
        ),
        values=values or (lambda world, which: {}),
        state=state,
    )


def admin_viewset(prefix: str, pk: Callable, state: Callable, actions: dict) -> dict[str, Row]:
    """Rows for one admin viewset: ``actions`` maps each URL suffix to its row's arguments."""
    result = {}
    for suffix, kwargs in actions.items():
        if kwargs is None:  # the viewset has no such view
            continue
        kwargs = dict(kwargs)
        if "<" in suffix:
            kwargs.setdefault("values", pk)
        kwargs.setdefault("state", state)
        result[prefix + suffix] = admin_row(**kwargs)
    return result


def pk_of(getter):
    """``{"pk": ...}`` of the object ``getter(world)``, whoever asks."""
    return lambda world, which: {"pk": getter(world).pk}


INDEX = {"get": OK}
REFUSED = {"get": ADMIN_REFUSED, "post": ADMIN_REFUSED}
VIEWSET_CRUD = {
    "": INDEX,
    "results/": INDEX,
    "new/": {"get": OK, "post": OK},  # an empty form: errors, nothing created
    "edit/<int:pk>/": {"get": OK, "post": OK},
    "delete/<int:pk>/": {"get": OK, "post": DONE},
    "history/<int:pk>/": INDEX,
    "history-results/<int:pk>/": INDEX,
    "usage/<int:pk>/": INDEX,
    "copy/<int:pk>/": INDEX,
}
# Records the apps keep themselves: listed, inspected and exported, never
# typed in or edited here (changes go through the services).
VIEWSET_READ_ONLY = {
    "": INDEX,
    "results/": INDEX,
    "inspect/<int:pk>/": INDEX,
    "new/": REFUSED,
    "edit/<int:pk>/": REFUSED,
    "delete/<int:pk>/": REFUSED,
    "history/<int:pk>/": REFUSED,
    "history-results/<int:pk>/": REFUSED,
    "usage/<int:pk>/": REFUSED,
}
