from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.referral, name="referral"),
    path("name-check/", views.name_check, name="name_check"),
    path("pre/", views.preconsultation_list, name="preconsultation_list"),
    path("pre/new/", views.preconsultation_create, name="preconsultation_create"),
    path("pre/meeting/", views.preconsultation_meeting, name="preconsultation_meeting"),
    path("pre/<int:pk>/", views.preconsultation_detail, name="preconsultation_detail"),
    path("pre/<int:pk>/edit/", views.preconsultation_edit, name="preconsultation_edit"),
    path("pre/<int:pk>/convert/", views.preconsultation_convert, name="preconsultation_convert"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/summary/", views.consultation_summary, name="consultation_summary"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
]
