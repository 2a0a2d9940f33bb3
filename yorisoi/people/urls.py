from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("postal/", views.postal_lookup, name="postal"),
    path("certificate-grades/", views.certificate_grades, name="certificate_grades"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/history/", views.person_history, name="history"),
    path("<int:pk>/print/", views.person_print, name="print"),
    path("<int:pk>/merge/", views.person_merge_choose, name="merge_choose"),
    path("<int:pk>/merge/<int:other_pk>/", views.person_merge_confirm, name="merge_confirm"),
    path("merges/", views.person_merge_history, name="merge_history"),
]
# Family and emergency contacts, disability certificates, other agencies' officers: one set of views each.
for prefix, kind in (("family", "family"), ("certificates", "certificate"), ("contacts", "contact")):
    urlpatterns += [
        path(f"<int:pk>/{prefix}/add/", views.subrecord_add, {"kind": kind}, name=f"{kind}_add"),
        path(f"<int:pk>/{prefix}/<int:item_pk>/edit/", views.subrecord_edit, {"kind": kind}, name=f"{kind}_edit"),
        path(f"<int:pk>/{prefix}/<int:item_pk>/delete/", views.subrecord_delete, {"kind": kind},
             name=f"{kind}_delete"),
    ]
