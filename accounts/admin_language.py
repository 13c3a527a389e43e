"""One language preference for the site and the Wagtail admin.

A person chooses their language once, and everything follows it: the site's
pages after sign-in, e-mails, and the admin. The preference is
``User.preferred_language``; Wagtail keeps its own copy for the admin
(``UserProfile.preferred_language``, the "Preferred language" choice on the
admin's account page), and the two are kept equal:

- choosing a language on the admin's account page changes the person's
  preference, so the site follows (``sync_site_language``);
- changing it on the site's profile page changes the admin's
  (``accounts.services.update_profile``);
- "Use server language" on the admin's account page is saved as what it
  names, the server's language (Khmer), for both;
- a new Wagtail profile starts from the person's preference;
- every admin request is answered in the person's language
  (``AdminLanguageMiddleware``), also before Wagtail has made a profile and
  outside Wagtail's own views (redirects, messages of other middleware).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import translation
from wagtail.users.models import UserProfile

ADMIN_PREFIX = "/admin/"


def site_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


class AdminLanguageMiddleware:
    """Answer admin requests in the signed-in person's language.

    Runs after authentication and after ``LocaleMiddleware``, which has
    picked a language from the browser for a path without a language prefix.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path_info.startswith(ADMIN_PREFIX)
            and user is not None
            and user.is_authenticated
            and user.preferred_language in site_languages()
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


@receiver(pre_save, sender=UserProfile)
def start_from_site_language(sender, instance, **kwargs):
    """Fill an empty admin language: a new profile's from the person's
    preference, a saved "Use server language" with the server's language."""
    if instance.preferred_language:
        return
    if instance._state.adding:
        instance.preferred_language = instance.user.preferred_language
    else:
        instance.preferred_language = settings.LANGUAGE_CODE


@receiver(post_save, sender=UserProfile)
def sync_site_language(sender, instance, **kwargs):
    """A language chosen on the admin's account page becomes the person's."""
    from . import services

    language = instance.preferred_language
    if language in site_languages() and language != instance.user.preferred_language:
        services.set_preferred_language(instance.user, language, admin_too=False)
