from django.urls import path

from . import views

app_name = "placements"
urlpatterns = [
    path("case/<int:case_pk>/", views.case_section, name="case"),
    path("case/<int:case_pk>/placements/new/", views.placement_create, name="placement_create"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/exit/", views.placement_exit, name="placement_exit"),
    path("case/<int:case_pk>/inquiries/new/", views.inquiry_create, name="inquiry_create"),
    path("inquiries/<int:pk>/edit/", views.inquiry_edit, name="inquiry_edit"),
    path("inquiries/<int:pk>/no-sharing/", views.inquiry_no_sharing, name="inquiry_no_sharing"),
    path("case/<int:case_pk>/connections/new/", views.connection_create, name="connection_create"),
    path("connections/<int:pk>/", views.connection_edit, name="connection_edit"),
    path("connections/<int:pk>/status/", views.connection_status, name="connection_status"),
    path("connections/<int:pk>/no-sharing/", views.connection_no_sharing, name="connection_no_sharing"),
    path("organization/<int:pk>/", views.organization_page, name="organization"),
    path("organization/<int:pk>/vacancy/", views.vacancy_report, name="vacancy_report"),
    path("vacancies/", views.vacancy_search, name="vacancy_search"),
    path("refusals/", views.refusal_summary, name="refusals"),
]
