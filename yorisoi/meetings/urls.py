from django.urls import path

from .views import boards, concerns, materials, meetings, review, summaries

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("new/", meetings.meeting_create, name="create"),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="edit"),
    path("<int:pk>/repeat/", meetings.meeting_repeat, name="repeat"),
    path("<int:pk>/minutes/", meetings.minutes_edit, name="minutes"),
    path("<int:pk>/minutes/history/", meetings.minutes_history, name="minutes_history"),
    path("<int:pk>/attachments/", meetings.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", meetings.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", meetings.attachment_delete,
         name="attachment_delete"),
    path("<int:pk>/decisions/", meetings.decision_add, name="decision_add"),
    path("<int:pk>/actions/", meetings.action_add, name="action_add"),
    path("<int:pk>/print/", meetings.meeting_print, name="print"),
    path("<int:pk>/pdf/", meetings.meeting_pdf, name="pdf"),
    path("<int:pk>/summary/<int:case_pk>/", summaries.case_summary, name="case_summary"),
    path("<int:pk>/summary/<int:case_pk>/hand/", summaries.hand_summary, name="hand_summary"),
    # case-study material (事例検討会)
    path("<int:pk>/materials/<int:case_pk>/new/", materials.material_draft, name="material_draft"),
    path("materials/<int:pk>/", materials.material_detail, name="material"),
    path("materials/<int:pk>/print/", materials.material_print, name="material_print"),
    path("actions/<int:pk>/status/", meetings.action_status, name="action_status"),
    # concerns and the weekly review
    path("concerns/", concerns.concern_list, name="concerns"),
    path("cases/<int:case_pk>/concerns/", concerns.case_concerns, name="case_concerns"),
    path("concerns/<int:pk>/ideas/", concerns.concern_idea, name="concern_idea"),
    path("concerns/<int:pk>/resolve/", concerns.concern_resolve, name="concern_resolve"),
    path("review/", review.review_board, name="review_board"),
    path("<int:pk>/review/<int:case_pk>/", review.review_case, name="review_case"),
    # the morning board
    path("morning/", boards.morning_board, name="morning"),
    path("morning/absences/", boards.absence_add, name="absence_add"),
    path("morning/absences/<int:pk>/delete/", boards.absence_delete, name="absence_delete"),
]
