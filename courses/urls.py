"""Learner actions, mounted at ``/<lang>/learn/``. Course and lesson pages are Wagtail pages."""

from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/offline/", views.offline_pack, name="offline_pack"),
    path(
        "courses/<int:course_id>/offline/download/",
        views.offline_pack_download,
        name="offline_pack_download",
    ),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/leave/", views.leave, name="leave"),
    path("lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path("lessons/<int:lesson_id>/quiz/", views.quiz_submit, name="quiz_submit"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt_detail"),
]
