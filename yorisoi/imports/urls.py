from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("template/<str:target>/", views.import_template, name="template"),
    path("<int:pk>/sheet/", views.import_sheet, name="sheet"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/", views.import_batch, name="batch"),
    path("<int:pk>/run/", views.import_run, name="run"),
]
