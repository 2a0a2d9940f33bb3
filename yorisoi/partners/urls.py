from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/end/", views.contact_end, name="contact_end"),
    path("not-contacted/", views.organizations_not_contacted, name="not_contacted"),
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("outreach/<int:pk>/", views.outreach_detail, name="outreach_detail"),
    path("outreach/<int:pk>/edit/", views.outreach_edit, name="outreach_edit"),
    path("kinds/", views.kind_list, name="kinds"),
    path("kinds/<int:pk>/edit/", views.kind_edit, name="kind_edit"),
    path("import/", views.directory_import, name="import"),
    path("import/confirm/", views.directory_import_confirm, name="import_confirm"),
    path("export/", views.directory_export, name="export"),
]
