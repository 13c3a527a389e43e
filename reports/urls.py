"""Admin URLs of the reports (mounted under ``/admin/reports/platform/``)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("learning/", views.ReportView.as_view(report="learning"), name="learning"),
    path("reach/", views.ReportView.as_view(report="reach"), name="reach"),
    path("workshops/", views.ReportView.as_view(report="workshops"), name="workshops"),
    path("mentoring/", views.ReportView.as_view(report="mentoring"), name="mentoring"),
    path("donor/", views.DonorReportIndexView.as_view(), name="donor"),
    path("donor/<uuid:pk>/download/", views.DonorReportDownloadView.as_view(), name="download"),
]
