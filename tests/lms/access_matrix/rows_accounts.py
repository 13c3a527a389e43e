"""Rows of allauth's pages (sign-in, e-mail, password, MFA) and of accounts:
profile, personal data, organisations, invitations; the organisations admin.
"""

from __future__ import annotations

from .outcomes import (
    DONE,
    LOGIN,
    MFA,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REAUTH,
    SENT_BACK,
    Outcome,
    everyone,
    private,
    roles,
    signed_in,
)
from .shapes import (
    ENTRANCE,
    PUBLIC_GET,
    SIGNED_IN_PAGE,
    VIEWSET_CRUD,
    Row,
    admin_viewset,
    org_row,
    pk_of,
    pk_row,
    rows,
    sessions,
    token_values,
)

# -- POST bodies and watched state ----------------------------------------------

ORGANISATION_DATA = {
    "name_km": "បណ្ដាញថ្មី",
    "name_en": "New Network",
    "kind": "network",
    "province": "04",
    "year_founded": "2004",
    "staff_size": "18",
    "focus_areas": ["gender-equality"],
    "working_languages": ["km"],
    "description": "Savings groups.",
}

ACCOUNTS_STATE = rows(
    "accounts.User", "accounts.Organisation", "accounts.Membership", "accounts.Invitation"
)
EMAIL_STATE = rows("account.EmailAddress")
MFA_STATE = rows("mfa.Authenticator")


ROWS: dict[str, Row] = {
    # --- allauth ---------------------------------------------------------------
    "accounts/login/": ENTRANCE,
    "accounts/logout/": Row(
        get=roles(OK, anonymous=SENT_BACK),
        post=roles(DONE, anonymous=SENT_BACK),
        state=sessions,
    ),
    "accounts/inactive/": PUBLIC_GET,
    "accounts/signup/": ENTRANCE,
    "accounts/reauthenticate/": Row(
        # With MFA on, only the authenticator app re-authenticates.
        get=signed_in(OK, editor=MFA, staff_nomfa=MFA),
    ),
    "accounts/reauthenticate/code/": Row(
        get=signed_in(OK, editor=MFA, staff_nomfa=MFA),
    ),
    "accounts/reauthenticate/code/confirm/": Row(
        # No code was asked for: back to asking (which sends MFA users on).
        get=signed_in(Outcome(302, to="/reauthenticate/code/")),
    ),
    "accounts/email/": Row(
        get=signed_in(OK),
        # allauth adds no address to an account with MFA (the form says so).
        post=signed_in(DONE, editor=OK, staff_nomfa=OK),
        data=lambda w: {"action_add": "", "email": "added@example.org"},
        state=EMAIL_STATE,
    ),
    "accounts/confirm-email/": Row(get=everyone(OK)),
    "accounts/password/change/": Row(
        get=signed_in(OK),
        # Everyone's own password, with the current one given.
        post=signed_in(DONE),
        data=lambda w: {
            "oldpassword": "correct-horse-battery",
            "password1": "a-new-pass-phrase-2026",
            "password2": "a-new-pass-phrase-2026",
        },
        state=rows("accounts.User"),
    ),
    "accounts/password/set/": Row(
        get=signed_in(Outcome(302, to="/accounts/password/change/")),
    ),
    "accounts/password/reset/": Row(get=everyone(OK)),
    "accounts/login/code/confirm/": Row(get=roles(SENT_BACK, anonymous=LOGIN)),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Row(
        get=everyone(OK),
        values=lambda w, which: {"key": w.own.confirmation_key},
    ),
    "accounts/password/reset/key/done/": PUBLIC_GET,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Row(
        # The key is moved into the session, out of the address (and of referrers).
        get=everyone(Outcome(302, to="-set-password/")),
        values=lambda w, which: {"uidb36": w.own.reset_uid, "key": w.own.reset_key},
    ),
    "accounts/password/reset/done/": PUBLIC_GET,
    "accounts/login/code/": ENTRANCE,
    "accounts/2fa/": SIGNED_IN_PAGE,
    "accounts/2fa/authenticate/": Row(get=roles(SENT_BACK, anonymous=LOGIN)),
    "accounts/2fa/reauthenticate/": Row(
        # Without TOTP there is no code to give: sent to the password instead.
        get=signed_in(REAUTH, editor=OK, staff_nomfa=OK),
    ),
    "accounts/2fa/totp/activate/": Row(
        get=signed_in(OK, editor=SENT_BACK, staff_nomfa=SENT_BACK),
    ),
    "accounts/2fa/totp/deactivate/": Row(
        get=signed_in(NOT_FOUND, editor=OK, staff_nomfa=MFA),
        post=signed_in(NOT_FOUND, editor=DONE, staff_nomfa=MFA),
        state=MFA_STATE,
    ),
    "accounts/2fa/recovery-codes/": Row(
        get=signed_in(NOT_FOUND, editor=OK, staff_nomfa=MFA),
    ),
    "accounts/2fa/recovery-codes/generate/": Row(
        # Without MFA the form only says there is nothing to protect.
        get=signed_in(OK, staff_nomfa=MFA),
        post=signed_in(OK, editor=DONE, staff_nomfa=MFA),
        state=MFA_STATE,
    ),
    "accounts/2fa/recovery-codes/download/": Row(
        get=signed_in(NOT_FOUND, editor=OK, staff_nomfa=MFA),
    ),
    # --- accounts ---------------------------------------------------------------
    "me/profile/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),  # everyone edits their own
        data=lambda w: {"display_name": "Renamed", "legal_name": "", "preferred_language": "en"},
        state=ACCOUNTS_STATE,
    ),
    "me/data/export/": Row(get=signed_in(OK, staff_nomfa=MFA)),
    "me/delete/": Row(
        get=signed_in(OK, staff_nomfa=MFA),
        # The only representative of an organisation with members cannot go yet.
        post=signed_in(DONE, owner=OK, other_org=OK, staff_nomfa=MFA),
        data=lambda w: {"confirm": "on"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/": SIGNED_IN_PAGE,
    "me/organisations/new/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),  # anyone signed in may start an organisation
        data=lambda w: ORGANISATION_DATA,
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/": Row(
        get=private(OK), values=org_row(), objects=True, state=ACCOUNTS_STATE
    ),
    "me/organisations/<slug:slug>/edit/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=lambda w: {**ORGANISATION_DATA, "name_en": "Renamed Network"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/invite/": Row(
        get=private(OK),
        post=private(DONE),
        values=org_row(),
        objects=True,
        data=lambda w: {"email": "friend@example.org", "role": "member"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/members/<int:pk>/role/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE),
        values=lambda w, which: {
            "slug": (w.rival if which == "other" else w.own).org.slug,
            "pk": (w.own if which == "own" else w.rival).membership.pk,
        },
        objects=True,
        data=lambda w: {"role": "representative"},
        state=ACCOUNTS_STATE,
    ),
    "me/organisations/<slug:slug>/members/<int:pk>/remove/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED),
        post=private(DONE),
        values=lambda w, which: {
            "slug": (w.rival if which == "other" else w.own).org.slug,
            "pk": (w.own if which == "own" else w.rival).membership.pk,
        },
        objects=True,
        state=ACCOUNTS_STATE,
    ),
    "me/invitations/<int:pk>/open/": Row(
        # From the invitee's own pages: only an open invitation to one of the
        # person's verified addresses (nobody in the world is invited).
        get=signed_in(NOT_FOUND),
        post=signed_in(NOT_FOUND),
        values=pk_row("invitation"),
        objects=True,
        state=ACCOUNTS_STATE,
    ),
    "me/invitations/<str:token>/": Row(
        # The link is the invitation: anyone signed in with it sees which
        # organisation invites; only the invited address may accept.
        get=signed_in(OK),
        post=signed_in(OK),
        values=token_values("invitation"),
        objects=True,
        foreign=OK,
        neighbour=NOT_FOUND,
        state=ACCOUNTS_STATE,
    ),
    "organisations/": PUBLIC_GET,
    "organisations/<slug:slug>/": Row(
        # Public profiles only: the owner's and the other's organisations are
        # not listed; the neighbouring one is.
        get=everyone(NOT_FOUND),
        values=org_row(),
        objects=True,
        neighbour=OK,
    ),
    # --- admin -------------------------------------------------------------------
    **admin_viewset(
        "admin/organisations/",
        pk=pk_of(lambda w: w.public.org),
        state=ACCOUNTS_STATE,
        actions=VIEWSET_CRUD,
    ),
}
