from django.urls import path

from .views import receiving, sending, targets

app_name = "transfers"
urlpatterns = [
    # sending (the case's center)
    path("", sending.sent_list, name="list"),
    path("cases/<int:case_pk>/new/", sending.transfer_create, name="create"),
    path("<int:pk>/", sending.transfer_detail, name="detail"),
    path("<int:pk>/pdf/", sending.transfer_pdf, name="pdf"),
    path("<int:pk>/withdraw/", sending.transfer_withdraw, name="withdraw"),
    path("<int:pk>/answer/", sending.transfer_answer, name="answer"),
    # receiving (a center of this deployment the transfer was sent to)
    path("incoming/", receiving.incoming_list, name="incoming"),
    path("incoming/<int:pk>/", receiving.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/pdf/", receiving.incoming_pdf, name="incoming_pdf"),
    path("incoming/<int:pk>/accept/", receiving.incoming_accept, name="accept"),
    path("incoming/<int:pk>/decline/", receiving.incoming_decline, name="decline"),
    # directory entries that are centers of this deployment
    path("centers/", targets.targets, name="targets"),
    path("centers/<int:pk>/", targets.target_edit, name="target_edit"),
]
