"""What a role gets back from a request, and the usual shapes of a row's per-role outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.world import ROLES

ANON, OWNER, OTHER, OTHER_ORG, EDITOR, STAFF = ROLES


@dataclass(frozen=True)
class Outcome:
    status: int
    changed: bool = False
    to: str | None = None  #: a redirect's Location contains this

    def __str__(self) -> str:
        text = str(self.status)
        if self.to:
            text += f" → {self.to}"
        return text + (" (changed)" if self.changed else "")


OK = Outcome(200)
OK_CHANGED = Outcome(200, changed=True)
DONE = Outcome(302, changed=True)  # a redirect after a change
SENT_BACK = Outcome(302)  # a redirect, nothing changed (an error message, or nothing to do)
LOGIN = Outcome(302, to="/accounts/login/")
REAUTH = Outcome(302, to="/reauthenticate/")
MFA = Outcome(302, to="/accounts/2fa/reauthenticate/")
ACTIVATE_MFA = Outcome(302, to="/accounts/2fa/totp/activate/")
ADMIN_REFUSED = Outcome(302, to="/admin/")  # Wagtail: "no permission", back to the admin home
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
GONE = Outcome(410)


def roles(default: Outcome, **outcomes: Outcome) -> dict[str, Outcome]:
    unknown = set(outcomes) - set(ROLES)
    assert not unknown, unknown
    return {role: outcomes.get(role, default) for role in ROLES}


def everyone(outcome: Outcome, **outcomes) -> dict[str, Outcome]:
    """The same for every role, anonymous included."""
    return roles(outcome, **outcomes)


def signed_in(outcome: Outcome, **outcomes) -> dict[str, Outcome]:
    """Anonymous visitors are sent to sign in; everyone signed in gets ``outcome``."""
    return roles(outcome, **{ANON: LOGIN, **outcomes})


def private(owner: Outcome, *, refused: Outcome = NOT_FOUND, **outcomes) -> dict[str, Outcome]:
    """The owner gets ``owner``; anonymous visitors sign in; everyone else is ``refused``.

    A staff session without MFA is refused like anyone else, unless a row says so.
    """
    return roles(refused, **{ANON: LOGIN, OWNER: owner, **outcomes})
