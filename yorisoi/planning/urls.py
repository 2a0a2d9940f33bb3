from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("approvals/", views.approval_list, name="approvals"),
    path("approvers/", views.approver_list, name="approvers"),
    path("approvers/<int:pk>/revoke/", views.approver_revoke, name="approver_revoke"),
    path("case/<int:case_pk>/", views.case_overview, name="case"),
    # assessments
    path("case/<int:case_pk>/assessments/", views.assessment_list, name="assessment_list"),
    path("case/<int:case_pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("case/<int:case_pk>/assessments/compare/", views.assessment_compare, name="assessment_compare"),
    path("case/<int:case_pk>/assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("case/<int:case_pk>/assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    # support plan
    path("case/<int:case_pk>/plan/", views.plan_detail, name="plan"),
    path("case/<int:case_pk>/plan/new/", views.plan_create, name="plan_create"),
    path("case/<int:case_pk>/plan/<int:pk>/", views.plan_version, name="plan_version"),
    path("case/<int:case_pk>/plan/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("case/<int:case_pk>/plan/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("case/<int:case_pk>/plan/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("case/<int:case_pk>/plan/<int:pk>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("case/<int:case_pk>/plan/<int:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("case/<int:case_pk>/plan/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("case/<int:case_pk>/plan/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("case/<int:case_pk>/plan/actions/<int:pk>/status/", views.action_status, name="action_status"),
    # closure
    path("case/<int:case_pk>/closure/", views.closure, name="closure"),
    path("case/<int:case_pk>/closure/<int:pk>/", views.closure_detail, name="closure_detail"),
    path("case/<int:case_pk>/closure/<int:pk>/edit/", views.closure_edit, name="closure_edit"),
    path("case/<int:case_pk>/closure/<int:pk>/withdraw/", views.closure_withdraw, name="closure_withdraw"),
    path("case/<int:case_pk>/closure/<int:pk>/decide/", views.closure_decide, name="closure_decide"),
]
