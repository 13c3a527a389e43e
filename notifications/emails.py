"""Notice e-mails: a text part and a plain, light HTML part, in the reader's language.

No remote images, no tracking, no rewritten links: the HTML part holds the
same words and the same links as the text part. Sent from inside the
delivery task (which received ids only), so the rendered body never waits
in the task queue.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lms.mail import subject_with_prefix

from .models import Notice
from .rendering import _zone, render


def language_of(user) -> str:
    """The person's chosen language, or the site's."""
    chosen = getattr(user, "preferred_language", "") or ""
    codes = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in codes else settings.LANGUAGE_CODE


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def _common_context(user) -> dict:
    return {
        "recipient": user,
        "language": translation.get_language(),
        "site_url": settings.SITE_URL.rstrip("/"),
        "preferences_url": absolute(reverse("notifications:preferences")),
        "centre_url": absolute(reverse("notifications:list")),
    }


def build_notice_email(notice: Notice) -> EmailMultiAlternatives:
    user = notice.recipient
    with translation.override(language_of(user)):
        rendered = render(notice)
        context = {**_common_context(user), "item": rendered, "link": absolute(rendered.url)}
        subject = subject_with_prefix(rendered.title)
        text = render_to_string("notifications/email/notice_message.txt", context)
        html = render_to_string("notifications/email/notice_message.html", context)
    return _message(subject, text, html, user)


def build_digest_email(user, notices: list[Notice], until: datetime) -> EmailMultiAlternatives:
    with translation.override(language_of(user)):
        days: OrderedDict = OrderedDict()
        for notice in notices:
            day = timezone.localtime(notice.created_at, timezone=_zone()).date()
            rendered = render(notice)
            days.setdefault(day, []).append({"item": rendered, "link": absolute(rendered.url)})
        context = {
            **_common_context(user),
            "days": list(days.items()),
            "count": len(notices),
            "until": timezone.localtime(until, timezone=_zone()).date(),
        }
        subject = subject_with_prefix(
            translation.ngettext(
                "Your week: %(count)s notice", "Your week: %(count)s notices", len(notices)
            )
            % {"count": len(notices)}
        )
        text = render_to_string("notifications/email/digest_message.txt", context)
        html = render_to_string("notifications/email/digest_message.html", context)
    return _message(subject, text, html, user)


def _message(subject: str, text: str, html: str, user) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_notice_email(notice: Notice) -> None:
    build_notice_email(notice).send()


def send_digest_email(user, notices: list[Notice], until: datetime) -> None:
    build_digest_email(user, notices, until).send()
