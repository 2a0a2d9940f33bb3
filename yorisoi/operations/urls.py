from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    # retention periods and anonymisation
    path("retention/", views.retention, name="retention"),
    # the nightly jobs and how they ended
    path("nightly/", views.nightly_runs, name="nightly"),
]
