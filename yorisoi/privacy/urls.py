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
]
