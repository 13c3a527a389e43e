"""Public, language-neutral routes (verification links printed on PDFs)."""

from django.urls import path, re_path

from . import views_public

app_name = "verify"

TOKEN_PATTERN = r"(?P<token>[A-Za-z0-9_-]{16,64})"  # noqa: S105 - a URL pattern

urlpatterns = [
    path("verify/", views_public.verify_index, name="index"),
    path("verify/check/", views_public.verify_check, name="check"),
    path("verify/issuer.json", views_public.issuer_profile, name="issuer"),
    path("verify/status/<int:number>.json", views_public.status_list, name="status_list"),
    re_path(
        r"^verify/achievements/(?P<slug>course-[0-9]+|mentee|mentor)$",
        views_public.achievement,
        name="achievement",
    ),
    path("verify/public-key.pem", views_public.public_key_pem, name="public_key"),
    re_path(
        r"^verify/keys/(?P<key_id>[0-9a-f]{16})\.pem$",
        views_public.public_key_pem,
        name="public_key_by_id",
    ),
    re_path(rf"^verify/{TOKEN_PATTERN}\.json$", views_public.verify_credential, name="credential"),
    re_path(rf"^verify/{TOKEN_PATTERN}/$", views_public.verify_certificate, name="certificate"),
]
