"""Refused room actions: a code for programs, a translated message for people."""

from django.utils.translation import gettext_lazy


class RoomError(Exception):
    """A refused room action: ``code`` is for programs, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


ERROR_MESSAGES = {
    "bad_json": gettext_lazy("That message could not be read."),
    "too_large": gettext_lazy("That message is too large."),
    "unknown_type": gettext_lazy("That kind of message is not known."),
    "invalid": gettext_lazy("That message is missing something or has a wrong value."),
    "too_long": gettext_lazy("That text is too long."),
    "empty": gettext_lazy("Write something first."),
    "rate_limited": gettext_lazy("You are sending too fast. Wait a moment."),
    "host_only": gettext_lazy("Only a host can do that."),
    "muted": gettext_lazy("A host has muted you. You can still raise your hand."),
    "removed": gettext_lazy("A host has removed you from this workshop."),
    "ended": gettext_lazy("This workshop has ended."),
    "not_found": gettext_lazy("That message, question or poll does not exist."),
    "already_voted": gettext_lazy("You have already voted."),
    "poll_closed": gettext_lazy("This poll is closed."),
    "bad_state": gettext_lazy("That cannot be done now."),
    "server_error": gettext_lazy("Something went wrong on our side. Try again in a moment."),
    "since_ahead": gettext_lazy(
        "This room has fewer messages than your screen showed. It is shown again from the start."
    ),
}


def room_error(code: str) -> RoomError:
    return RoomError(code, str(ERROR_MESSAGES[code]))
