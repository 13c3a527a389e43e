"""Rendering e-mails in the right language and handing them to a task.

Templates come in pairs, ``<prefix>_subject.txt`` and ``<prefix>_message.txt``
(as in allauth). The text is rendered now, so the task only sends; it travels
sealed (``lms.sealed``), since an e-mail may carry a link or code that signs
someone in.
"""

from django.template.loader import render_to_string
from django.utils import translation

from .sealed import seal
from .tasks import send_email


def render_email(template_prefix: str, context: dict, language: str | None = None):
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        body = render_to_string(f"{template_prefix}_message.txt", context)
        subject = subject_with_prefix(" ".join(subject.splitlines()).strip())
    return subject, body


def subject_with_prefix(subject: str) -> str:
    """Every e-mail subject starts with the platform's name, in the active language."""
    return f"[{translation.gettext('CSO Academy')}] {subject}"


def queue_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
    headers: dict | None = None,
) -> None:
    """Send a rendered e-mail from a background task, sealed while it waits."""
    message = {"subject": subject, "body": body, "to": list(to)}
    if html:
        message["html"] = html
    if from_email:
        message["from_email"] = from_email
    if headers:
        message["headers"] = dict(headers)
    send_email.enqueue(seal(message))


def send_templated_email(
    template_prefix: str,
    *,
    to: list[str],
    context: dict,
    request=None,
    language: str | None = None,
) -> None:
    """Render now (in ``language`` or the current one) and send in the background."""
    from django.conf import settings

    context = {"site_url": settings.SITE_URL.rstrip("/"), "request": request, **context}
    subject, body = render_email(template_prefix, context, language)
    queue_email(subject=subject, body=body, to=to)
