from django.urls import path

from .views import agreements, consent, provision, receipts, requests

app_name = "disclosure"
urlpatterns = [
    # a person's consents, provisions and receipts
    path("people/<int:pk>/", consent.person, name="person"),
    path("people/<int:pk>/consents/new/", consent.consent_create, name="consent_create"),
    path("people/<int:pk>/provide/", provision.provide, name="provide"),
    path("people/<int:pk>/receipts/new/", receipts.receipt_create, name="receipt_create"),
    path("people/<int:pk>/requests/new/", requests.request_create, name="request_create"),
    path("consents/<int:pk>/", consent.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/withdraw/", consent.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/file/", consent.consent_file, name="consent_file"),
    # the consent wording
    path("consent-templates/", consent.template_list, name="templates"),
    path("consent-templates/new/", consent.template_create, name="template_create"),
    path("consent-templates/<int:pk>/", consent.template_detail, name="template_detail"),
    path("consent-templates/<int:pk>/edit/", consent.template_edit, name="template_edit"),
    # sharing agreements
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/file/", agreements.agreement_file, name="agreement_file"),
    # the ledger
    path("ledger/", provision.ledger, name="ledger"),
    path("ledger/<int:pk>/", provision.record_detail, name="record_detail"),
    path("ledger/<int:pk>/pdf/", provision.record_pdf, name="record_pdf"),
    path("receipts/", receipts.receipt_list, name="receipts"),
    # the person's own requests
    path("requests/", requests.request_list, name="requests"),
    path("requests/<int:pk>/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/report/", requests.request_report, name="request_report"),
]
