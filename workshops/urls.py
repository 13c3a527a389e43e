from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("new/", views.schedule, name="create"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/edit/", views.schedule, name="edit"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/unregister/", views.unregister, name="unregister"),
    path("<int:pk>/post/", views.post, name="post"),
    path("<int:pk>/start/", views.host_action, {"action": "start"}, name="start"),
    path("<int:pk>/end/", views.host_action, {"action": "end"}, name="end"),
    path("<int:pk>/workshop.ics", views.workshop_ics, name="ics"),
    path("<int:pk>/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path("<int:pk>/transcript.txt", views.transcript_txt, name="transcript"),
]
