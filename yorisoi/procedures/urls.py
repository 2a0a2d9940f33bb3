from django.urls import path

from .views import case, catalogue, due, follow_ups, protection

app_name = "procedures"
urlpatterns = [
    # the 手続き page of a case
    path("case/<int:case_pk>/", case.case_procedures, name="case"),
    path("case/<int:case_pk>/add/", case.procedure_add, name="add"),
    path("case/<int:case_pk>/apply-template/", case.apply_template, name="apply_template"),
    path("case/<int:case_pk>/propose/", case.propose, name="propose"),
    path("case/<int:case_pk>/placement-date/", case.set_placement_date, name="placement_date"),
    path("case/<int:case_pk>/recompute/", case.recompute, name="recompute"),
    path("case/<int:case_pk>/<int:pk>/edit/", case.procedure_edit, name="edit"),
    path("case/<int:case_pk>/<int:pk>/status/", case.procedure_status, name="status"),
    path("case/<int:case_pk>/<int:pk>/documents/", case.document_upload, name="document_upload"),
    path("case/<int:case_pk>/documents/<int:pk>/", case.document_download, name="document_download"),
    path("case/<int:case_pk>/documents/<int:pk>/delete/", case.document_delete, name="document_delete"),
    # 更生緊急保護
    path("case/<int:case_pk>/protection/", protection.protection, name="protection"),
    path("case/<int:case_pk>/protection/edit/", protection.protection_edit, name="protection_edit"),
    path("case/<int:case_pk>/protection/extend/", protection.protection_extend, name="protection_extend"),
    # フォローアップ
    path("case/<int:case_pk>/follow-ups/", follow_ups.follow_ups, name="follow_ups"),
    path("case/<int:case_pk>/follow-ups/schedule/", follow_ups.follow_up_schedule, name="follow_up_schedule"),
    path("case/<int:case_pk>/follow-ups/add/", follow_ups.follow_up_add, name="follow_up_add"),
    path("case/<int:case_pk>/follow-ups/<int:pk>/edit/", follow_ups.follow_up_edit, name="follow_up_edit"),
    path("case/<int:case_pk>/follow-ups/<int:pk>/record/", follow_ups.follow_up_record, name="follow_up_record"),
    # the center's list of procedures not done
    path("", due.due_list, name="due_list"),
    # the catalogue and the templates
    path("types/", catalogue.type_list, name="types"),
    path("types/<int:pk>/edit/", catalogue.type_edit, name="type_edit"),
    path("types/<int:pk>/hidden/", catalogue.type_hidden, name="type_hidden"),
    path("templates/", catalogue.template_list, name="templates"),
    path("templates/<int:pk>/", catalogue.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", catalogue.template_edit, name="template_edit"),
    path("templates/<int:pk>/copy/", catalogue.template_copy, name="template_copy"),
    path("templates/<int:pk>/items/add/", catalogue.template_item_add, name="template_item_add"),
    path("templates/<int:pk>/items/<int:item_pk>/edit/", catalogue.template_item_edit, name="template_item_edit"),
    path("templates/<int:pk>/items/<int:item_pk>/delete/", catalogue.template_item_delete,
         name="template_item_delete"),
]
