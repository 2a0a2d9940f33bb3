"""センター運営's front page: what is due (inspections, insurance, report deadlines), today's lock check, links."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from yorisoi.privacy.policy import rule

from .. import conf, selectors
from ._common import context


@rule("office.view")
def index(request):
    today = timezone.localdate()
    reminders = sorted(selectors.office_reminders(request.user, today=today,
                                                  until=today + dt.timedelta(days=conf.reminder_days())),
                       key=lambda r: (r.date, r.key))
    return render(request, "office/index.html", context(
        request, today=today, reminders=[{"r": r, "days_left": (r.date - today).days, "overdue": (today - r.date).days}
                                  for r in reminders],
        check_today=selectors.office_checks(request.user).filter(date=today).first(),
        vehicles=selectors.vehicles(request.user).count(), devices=selectors.devices(request.user).count(),
        unsecured=[d for d in selectors.devices(request.user) if not d.is_secured]))
