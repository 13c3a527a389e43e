"""The kinds of notice, each with the words it shows and how it is sent by default.

The words are translatable templates filled from a notice's ``params`` when
the notice is shown or e-mailed, in the reader's language, so that a notice
created while someone reads the site in English still reads in Khmer to a
person who chose Khmer. Each says what happened (``title``), what to do next
(``next_step``) and names the link (``action``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    APP = "app", _("Only here on the site")
    EMAIL = "email", _("Here and by e-mail")
    DIGEST = "digest", _("Here and in a weekly e-mail digest")


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    title: Promise
    next_step: Promise
    action: Promise
    default: str = Channel.EMAIL


KINDS: tuple[Kind, ...] = (
    Kind(
        "certificate_issued",
        _("A certificate was issued to me"),
        _("Your certificate for “%(title)s” is ready."),
        _("Download it, or share its verification link with a donor or employer."),
        _("See the certificate"),
    ),
    Kind(
        "certificate_awaiting_name",
        _("A certificate waits for me to confirm my name"),
        _("You earned a certificate for “%(title)s”."),
        _("Confirm the name to print on it; the certificate is made as soon as you do."),
        _("Confirm my name"),
    ),
    Kind(
        "certificate_revoked",
        _("A certificate of mine was revoked"),
        _("Your certificate for “%(title)s” was revoked: %(reason)s"),
        _("It no longer verifies. Write to the platform team if you think this is a mistake."),
        _("See my certificates"),
    ),
    Kind(
        "certificate_reissued",
        _("A certificate of mine was reissued"),
        _("Your certificate for “%(title)s” was reissued with a corrected name."),
        _("The old one no longer verifies: share the new one from now on."),
        _("See the new certificate"),
    ),
    Kind(
        "match_proposed",
        _("A mentoring match was proposed to my organisation"),
        _("%(partner)s was proposed as a mentoring partner for %(organisation)s."),
        _("Read why (%(reasons)s), then accept or decline for your organisation."),
        _("Review the match"),
    ),
    Kind(
        "match_accepted",
        _("The other organisation accepted our match"),
        _("%(partner)s accepted the mentoring match with %(organisation)s."),
        _("The mentoring has started: agree on a plan and the first check-in."),
        _("Open the pair"),
    ),
    Kind(
        "match_declined",
        _("The other organisation declined our match"),
        _("%(partner)s declined the mentoring match with %(organisation)s."),
        _("Nothing more to do: your organisation stays in the next matching round."),
        _("See mentoring"),
    ),
    Kind(
        "pair_completed",
        _("A mentoring pair of my organisation was completed"),
        _("The mentoring between %(organisation)s and %(partner)s is complete."),
        _("Each organisation receives a certificate of completed mentoring."),
        _("Open the pair"),
    ),
    Kind(
        "checkin_due",
        _("A check-in is due in an active mentoring pair"),
        _("A check-in with %(partner)s is due: the last one was %(since)s."),
        _("Meet, then record what you did and what comes next."),
        _("Record a check-in"),
        Channel.APP,
    ),
    Kind(
        "workshop_scheduled",
        _("A workshop was scheduled in my course or mentoring pair"),
        _("A live workshop was scheduled: “%(title)s”, %(when)s."),
        _("Register to keep a seat and get a reminder."),
        _("See the workshop"),
        Channel.APP,
    ),
    Kind(
        "workshop_changed",
        _("A workshop I registered for was changed"),
        _("The workshop “%(title)s” was moved: it now starts %(when)s."),
        _("Check that the new time suits you; your registration stands."),
        _("See the workshop"),
    ),
    Kind(
        "workshop_cancelled",
        _("A workshop I registered for was cancelled"),
        _("The workshop “%(title)s” planned for %(when)s was cancelled."),
        _("Nothing more to do; look for another workshop in the list."),
        _("See other workshops"),
    ),
    Kind(
        "workshop_starting",
        _("A workshop I registered for starts soon"),
        _("The workshop “%(title)s” starts %(when)s."),
        _("Join the room from the link; it works on a slow connection."),
        _("Join the room"),
    ),
    Kind(
        "organisation_invitation",
        _("I was invited to an organisation"),
        _("%(inviter)s invited you to join %(organisation)s."),
        _("Accept it from your organisations page, signed in with the invited address."),
        _("See my organisations"),
        Channel.APP,
    ),
    Kind(
        "question_answered",
        _("A question I asked in a workshop was answered after I left"),
        _("Your question in “%(title)s” was answered: “%(question)s”"),
        _("Open the room to read the answer."),
        _("Open the room"),
        Channel.APP,
    ),
)

BY_KEY = {kind.key: kind for kind in KINDS}
KEY_CHOICES = [(kind.key, kind.label) for kind in KINDS]


def get(key: str) -> Kind:
    try:
        return BY_KEY[key]
    except KeyError:
        raise ValueError(f"Unknown notice kind {key!r}") from None
