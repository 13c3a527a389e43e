"""Forms that replace allauth's own (``ACCOUNT_FORMS``).

Apart from ``accounts.forms`` because allauth imports that module (the
sign-up form's extra fields) while its own forms module is still loading.
"""

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.models import EmailAddress


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's form, sending sign-in codes to verified addresses only.

    A code sent to an address that was added but never verified would turn a
    stolen session into a sign-in that survives a password change (entering
    the code also marks the address verified). For such an address allauth
    answers as for an unknown one: the same page, and an e-mail that says no
    account uses it.
    """

    def clean_email(self):
        email = super().clean_email()
        user = getattr(self, "_user", None)
        if (
            user is not None
            and not EmailAddress.objects.filter(
                user=user, email__iexact=email, verified=True
            ).exists()
        ):
            self._user = None
        return email
