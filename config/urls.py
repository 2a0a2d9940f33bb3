from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from yorisoi.desk import views as desk_views
from yorisoi.privacy.policy import rule


@rule("public.health")
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", desk_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("search/", desk_views.header_search, name="search"),
    path("accounts/", include("yorisoi.accounts.urls")),
    path("people/", include("yorisoi.people.urls")),
    path("cases/", include("yorisoi.desk.case_urls")),
    path("records/", include("yorisoi.records.urls")),
    path("partners/", include("yorisoi.partners.urls")),
    path("procedures/", include("yorisoi.procedures.urls")),
    path("placements/", include("yorisoi.placements.urls")),
    path("intake/", include("yorisoi.intake.urls")),
    path("planning/", include("yorisoi.planning.urls")),
    path("disclosure/", include("yorisoi.disclosure.urls")),
    path("inbox/", include("yorisoi.inbox.urls")),
    path("meetings/", include("yorisoi.meetings.urls")),
    path("transfers/", include("yorisoi.transfers.urls")),
    path("privacy/", include("yorisoi.privacy.urls")),
    path("reports/", include("yorisoi.reports.urls")),
    path("imports/", include("yorisoi.imports.urls")),
    path("operations/", include("yorisoi.operations.urls")),
    path("office/", include("yorisoi.office.urls")),
    path("medical/", include("yorisoi.medical.urls")),
    path("network/", include("yorisoi.network.urls")),
    path("api/", include("yorisoi.api.urls")),
    path("admin/", admin.site.urls),
]
