from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import translate_url
from django.utils import translation

from lms.mail import queue_email, subject_with_prefix

from . import mfa_secrets
from .models import User

#: The ways of signing in that count as a first factor (allauth's record names).
FIRST_FACTORS = ("password", "code", "password_reset")


def language_for(email: str, context: dict) -> str:
    """The language of the person an account e-mail goes to: theirs when the address is
    known (a sign-in code, a verification, a security notice), the page's otherwise."""
    user = context.get("user")
    if not getattr(user, "pk", None):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            address = (
                EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
            )
            user = address.user if address else None
    language = getattr(user, "preferred_language", "") or ""
    return language or translation.get_language() or settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now, in the recipient's language; send (sealed) from a background task."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        with translation.override(language_for(email, ctx)):
            message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        queue_email(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            html=html,
            from_email=message.from_email,
            headers=dict(message.extra_headers),
        )

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """Security e-mails (password changed, e-mail added, MFA changed) always go, by
        e-mail, in the person's language (``send_mail`` reads it from ``user``)."""
        super().send_notification_mail(
            template_prefix, user, {"user": user, **(context or {})}, email
        )

    def format_email_subject(self, subject: str) -> str:
        return subject_with_prefix(subject)

    def login(self, request, user) -> None:
        """Sign in; a sign-in by e-mailed code lasts only as long as the browser session.

        The password form sets the session's lifetime from its "remember me"
        box; the code form has none, so it must not leave the two-week default.
        """
        super().login(request, user)
        records = get_authentication_records(request, user)
        first = [r["method"] for r in records if r.get("method") in FIRST_FACTORS]
        if first and first[-1] != "password":
            request.session.set_expiry(0)

    def get_login_redirect_url(self, request) -> str:
        """After sign-in, continue in the language the person prefers."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", None)
        return translate_url(url, language) if language else url

    def get_reauthentication_methods(self, user) -> list[dict]:
        """With two-factor authentication set up, only a code from it proves it is them.

        Otherwise a stolen session plus the password (or access to the mailbox)
        could turn MFA off or change the address; allauth would offer the
        password and an e-mailed code too.
        """
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and is_mfa_enabled(user):
            methods = [m for m in methods if m["id"] == "mfa_reauthenticate"] or methods
        return methods


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user) -> str:
        return user.email

    def encrypt(self, text: str) -> str:
        """TOTP keys and recovery-code seeds are stored encrypted (see mfa_secrets)."""
        return mfa_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.decrypt(encrypted_text)
