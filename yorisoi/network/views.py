"""The network map: which organizations the center worked with, through which kinds of contact, in a period."""

from __future__ import annotations

from django.shortcuts import render

from yorisoi.common.dates import format_checked
from yorisoi.partners import selectors as partner_selectors
from yorisoi.partners.models import KindGroup
from yorisoi.placements.forms import NetworkForm
from yorisoi.privacy.policy import rule

from . import network as network_map


@rule("network.view")
def network(request):
    start, end = NetworkForm.default_period()
    submitted = "date_from" in request.GET
    form = NetworkForm(request.GET if submitted else {"date_from": format_checked(start),
                                                      "date_to": format_checked(end)})
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = network_map.build(user=request.user, date_from=data["date_from"], date_to=data["date_to"],
                                   group=data["group"], show_all=data["show_all"])
    return render(request, "placements/network.html", {
        "nav": "partners", "form": form, "network": result, "sources": network_map.SOURCES,
        "directory_access": partner_selectors.directory_access(request.user),
        "contact_sources": network_map.CONTACT_SOURCES,
        "groups": KindGroup.choices,
    })
