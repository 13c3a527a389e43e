from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

ADMIN_PREFIXES = ("/admin/",)
ALWAYS_ALLOWED = ("/admin/login/", "/admin/logout/", "/admin/password_reset/")


class StaffMFAMiddleware:
    """Keep the admin closed to anyone without two-factor authentication.

    Staff and editors who have not set up TOTP are sent to the set-up page
    instead of the admin; everyone else is left to Wagtail's own permission
    checks. With TOTP set up, allauth asks for a code at every sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(ADMIN_PREFIXES) and not path.startswith(ALWAYS_ALLOWED):
            user = request.user
            if (
                user.is_authenticated
                and (user.is_staff or user.has_perm("wagtailadmin.access_admin"))
                and not is_mfa_enabled(user, types=["totp"])
            ):
                with translation.override(user.preferred_language):
                    messages.warning(
                        request,
                        _(
                            "Set up two-factor authentication before you use the admin. "
                            "It protects the people whose data the platform holds."
                        ),
                    )
                    return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
