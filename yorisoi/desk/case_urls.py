from django.urls import path

from . import views

# The case pages gather many areas (records, planning, procedures), so they live on the desk floor; their
# names stay in the "cases" namespace (cases:detail …).
app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/phase/", views.case_change_phase, name="change_phase"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/pause/", views.case_pause, name="pause"),
    path("<int:pk>/resume/", views.case_resume, name="resume"),
    path("<int:pk>/pause/attempts/", views.case_contact_attempt, name="contact_attempt"),
    path("<int:pk>/flags/", views.case_add_flag, name="add_flag"),
    path("<int:pk>/reoffences/", views.case_reoffences, name="reoffences"),
    path("<int:pk>/flags/<int:flag_pk>/active/", views.case_flag_active, name="flag_active"),
]
