from django.urls import path

from .views import home, security, staffing, trainees, training, vehicles

app_name = "office"
urlpatterns = [
    path("", home.index, name="index"),
    # the center profile and the staffing table
    path("staffing/", staffing.staffing, name="staffing"),
    path("staffing/print/", staffing.staffing_print, name="staffing_print"),
    path("staffing/pdf/", staffing.staffing_pdf, name="staffing_pdf"),
    path("staffing/profile/", staffing.profile_edit, name="profile_edit"),
    path("staffing/new/", staffing.staff_create, name="staff_create"),
    path("staffing/<int:pk>/", staffing.staff_edit, name="staff_edit"),
    path("staffing/<int:pk>/qualifications/", staffing.qualification_add, name="qualification_add"),
    path("qualifications/<int:pk>/delete/", staffing.qualification_delete, name="qualification_delete"),
    # vehicles and trips
    path("vehicles/", vehicles.vehicle_list, name="vehicles"),
    path("vehicles/new/", vehicles.vehicle_create, name="vehicle_create"),
    path("vehicles/<int:pk>/", vehicles.vehicle_detail, name="vehicle_detail"),
    path("vehicles/<int:pk>/edit/", vehicles.vehicle_edit, name="vehicle_edit"),
    path("vehicles/<int:pk>/checks/", vehicles.check_create, name="check_create"),
    path("vehicles/<int:pk>/events/", vehicles.event_create, name="event_create"),
    path("vehicle-events/<int:pk>/follow-up/", vehicles.event_follow_up, name="event_follow_up"),
    path("trips/", vehicles.trip_list, name="trips"),
    path("trips/print/", vehicles.trip_print, name="trip_print"),
    path("trips/new/", vehicles.trip_create, name="trip_create"),
    path("trips/<int:pk>/edit/", vehicles.trip_edit, name="trip_edit"),
    # devices, paper files, lock checks
    path("devices/", security.device_list, name="devices"),
    path("devices/new/", security.device_create, name="device_create"),
    path("devices/<int:pk>/", security.device_edit, name="device_edit"),
    path("files/", security.file_list, name="files"),
    path("files/new/", security.file_create, name="file_create"),
    path("files/<int:pk>/checkout/", security.file_checkout, name="file_checkout"),
    path("files/<int:pk>/return/", security.file_return, name="file_return"),
    path("checks/", security.check_list, name="checks"),
    path("checks/new/", security.check_record, name="check_record"),
    # staff development
    path("trainings/", training.trainings, name="trainings"),
    path("trainings/new/", training.training_create, name="training_create"),
    path("trainings/plan/new/", training.plan_item_create, name="plan_item_create"),
    # hosted trainees (実習生の受け入れ)
    path("trainees/", trainees.trainee_list, name="trainees"),
    path("trainees/new/", trainees.trainee_create, name="trainee_create"),
    path("trainees/<int:pk>/", trainees.trainee_detail, name="trainee_detail"),
    path("trainees/<int:pk>/edit/", trainees.trainee_edit, name="trainee_edit"),
    path("trainees/<int:pk>/pledge/", trainees.trainee_pledge, name="trainee_pledge"),
    path("trainees/<int:pk>/pledge/download/", trainees.trainee_pledge_download, name="trainee_pledge_download"),
    path("trainees/<int:pk>/assign/", trainees.trainee_assign, name="trainee_assign"),
    path("trainee-assignments/<int:pk>/revoke/", trainees.trainee_revoke, name="trainee_revoke"),
    path("trainees/<int:pk>/presence/", trainees.trainee_presence, name="trainee_presence"),
    path("trainees/<int:pk>/end/", trainees.trainee_end, name="trainee_end"),
    # incidents
    path("incidents/", security.incident_list, name="incidents"),
    path("incidents/new/", security.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", security.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/wipe/", security.incident_wipe, name="incident_wipe"),
    path("incidents/<int:pk>/notify/", security.incident_notify, name="incident_notify"),
    path("incidents/<int:pk>/report/", security.incident_report, name="incident_report"),
]
