from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisations/<slug:slug>/request/", views.request_edit, name="request_edit"),
    path("organisations/<slug:slug>/request/close/", views.request_close, name="request_close"),
    path("organisations/<slug:slug>/offer/", views.offer_edit, name="offer_edit"),
    path("organisations/<slug:slug>/offer/close/", views.offer_close, name="offer_close"),
    path("organisations/<slug:slug>/conflicts/", views.conflicts, name="conflicts"),
    path(
        "organisations/<slug:slug>/conflicts/<int:pk>/withdraw/",
        views.conflict_withdraw,
        name="conflict_withdraw",
    ),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/accept/", views.pair_accept, name="pair_accept"),
    path("pairs/<int:pk>/decline/", views.pair_decline, name="pair_decline"),
    path("pairs/<int:pk>/complete/", views.pair_complete, name="pair_complete"),
    path("pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("pairs/<int:pk>/workshops/new/", views.pair_workshop_new, name="pair_workshop_new"),
    path("pairs/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("pairs/<int:pk>/goals/<int:goal_pk>/delete/", views.goal_delete, name="goal_delete"),
    path("pairs/<int:pk>/check-ins/new/", views.check_in_add, name="check_in_add"),
    path("pairs/<int:pk>/resources/", views.resource_add, name="resource_add"),
    path(
        "pairs/<int:pk>/resources/<int:resource_pk>/",
        views.resource_download,
        name="resource_download",
    ),
    path(
        "pairs/<int:pk>/resources/<int:resource_pk>/delete/",
        views.resource_delete,
        name="resource_delete",
    ),
]
