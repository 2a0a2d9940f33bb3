from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("case/<int:case_pk>/add/", views.activity_add, name="add"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/history/", views.activity_history, name="history"),
]
