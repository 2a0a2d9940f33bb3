from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("audit/", views.audit, name="audit"),
    path("people/<int:pk>/access/", views.person_access, name="person_access"),
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("break-glass/<str:kind>/<int:pk>/", views.break_glass, name="break_glass"),
    path("deleted/", views.deleted_list, name="deleted"),
    path("delete/<str:kind>/<int:pk>/", views.soft_delete, name="delete"),
    path("restore/<str:kind>/<int:pk>/", views.restore, name="restore"),
    # export control: every list of persons leaves through a request a director approved
    path("exports/", views.export_list, name="exports"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/decide/", views.export_decide, name="export_decide"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    # retention periods and anonymisation
    path("retention/", views.retention, name="retention"),
]
