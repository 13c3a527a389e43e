from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("confirm-name/", views.confirm_name, name="confirm_name"),
    path("<uuid:pk>/", views.certificate_detail, name="detail"),
    path("<uuid:pk>/download/", views.certificate_download, name="download"),
]
