from django.urls import path

from . import views

app_name = "medical"
urlpatterns = [
    path("", views.continuity, name="continuity"),
    path("persons/<int:pk>/", views.person_medical, name="person"),
]
# Medication, appointments, health checks and urgent routes of a person: one set of views each.
for prefix, kind in (("medications", "medication"), ("appointments", "appointment"), ("checks", "check"),
                     ("routes", "route")):
    urlpatterns += [
        path(f"persons/<int:pk>/{prefix}/add/", views.item_add, {"kind": kind}, name=f"{kind}_add"),
        path(f"persons/<int:pk>/{prefix}/<int:item_pk>/edit/", views.item_edit, {"kind": kind},
             name=f"{kind}_edit"),
        path(f"persons/<int:pk>/{prefix}/<int:item_pk>/delete/", views.item_delete, {"kind": kind},
             name=f"{kind}_delete"),
    ]
