from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("me/data/export/", views.data_export, name="data_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
    path("me/organisations/", views.organisation_list, name="organisation_list"),
    path("me/organisations/new/", views.organisation_create, name="organisation_create"),
    path("me/organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("me/organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "me/organisations/<slug:slug>/invite/",
        views.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "me/organisations/<slug:slug>/members/<int:pk>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "me/organisations/<slug:slug>/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("me/invitations/<int:pk>/open/", views.invitation_open, name="invitation_open"),
    path("me/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("organisations/", views.organisation_directory, name="organisation_directory"),
    path("organisations/<slug:slug>/", views.organisation_public, name="organisation_public"),
]
