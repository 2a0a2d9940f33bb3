from django.urls import path

from . import dashboard_views, views

app_name = "reports"
urlpatterns = [
    # export control: every list of persons leaves through a request a director approved
    path("exports/", views.export_list, name="exports"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/decide/", views.export_decide, name="export_decide"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    # outcomes: the dashboard, the cases behind a number, the outcome report of a fiscal year
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/cases/", dashboard_views.drill, name="drill"),
    path("dashboard/charts/<slug:code>.svg", dashboard_views.chart, name="chart"),
    path("outcome-report/", dashboard_views.outcome_report, name="outcome_report"),
]
