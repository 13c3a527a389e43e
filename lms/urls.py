from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import views
from lms.slugs import PATH_SEGMENT

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The admin signs people in through allauth (and so through MFA), never
    # through Wagtail's own login form.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/logout/", RedirectView.as_view(pattern_name="account_logout")),
    # Every page of Wagtail's own password reset, not only its first.
    re_path(
        r"^admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password"),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        views.shared_password_refused,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("certificates.urls_public")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("learn/", include("courses.urls")),
    path("workshops/", include("workshops.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("certificates/", include("certificates.urls")),
    path("notices/", include("notifications.urls")),
    # Wagtail's front-end login (where private pages send visitors) signs in
    # with a password alone: no MFA, no rate limit, no e-mail verification.
    # It goes to allauth instead, and shared page passwords are turned off.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login",
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        views.shared_password_refused,
        name="wagtailcore_authenticate_with_password",
    ),
    # Wagtail's page pattern, accepting slugs that keep Khmer vowel signs
    # (lms.slugs); Wagtail's own (``\w`` only) stays for its other routes.
    re_path(rf"^((?:{PATH_SEGMENT}/)*)$", wagtail_views.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
