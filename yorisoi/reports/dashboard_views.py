"""The outcomes dashboard (成果の集計), its drill-down lists and the outcome report download.

The figures are aggregates of the whole center (reports/figures.py over the counting rule); the lists behind a
number are the cases of the user's reach (policy.cases_for) and are logged as listed.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from yorisoi.common.forms import page_of
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.privacy.policy import rule

from . import charts, counting, figures, outcome
from .forms import DrillQuery, OutcomeReportQuery, PeriodQuery

DRILL_PAGE_SIZE = 50


def _period_params(query: PeriodQuery) -> dict:
    v = query.values
    params = {"kind": v["kind"] or "fy"}
    for name in ("fy", "month", "start", "end"):
        if v[name]:
            params[name] = v[name].isoformat() if hasattr(v[name], "isoformat") else v[name]
    return params


@rule("reports.dashboard")
def dashboard(request):
    query = PeriodQuery.read(request)
    today = timezone.localdate()
    period = query.period(today)
    center_id = request.user.center_id
    results = figures.compute_all(center_id, period)
    params = _period_params(query)
    current_fy = counting.current_fiscal_year(today)
    return render(request, "reports/dashboard.html", {
        "period": period, "results": results, "query": query.values, "params": urlencode(params),
        "duty_rows": counting.duty_table(center_id, period), "statuses": counting.STATUSES,
        "excluded": figures.excluded_count(center_id, period),
        "fiscal_years": [(y, counting.fiscal_year_label(y)) for y in range(current_fy, current_fy - 6, -1)],
        "months": [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3],
        "may_download": policy.may_see_center_overview(request.user),
        "report_fy": counting.current_fiscal_year(period.start), "nav": "reports",
    })


@rule("reports.dashboard")
def chart(request, code: str):
    figure = figures.ALL_FIGURES.get(code)
    if figure is None:
        raise Http404("集計表が見つかりません。")
    period = PeriodQuery.read(request).period(timezone.localdate())
    svg = charts.bar_chart_svg(figure.compute(request.user.center_id, period))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response


@rule("reports.dashboard")
def drill(request):
    query = DrillQuery.read(request)
    v = query.values
    figure = figures.ALL_FIGURES.get(v["figure"] or "")
    if figure is None or getattr(figure, "case_path", None) is None:
        raise Http404("集計表が見つかりません。")
    period = query.period(timezone.localdate())
    center_id = request.user.center_id
    label = next((b.label for b in _buckets(figure, center_id, period) if b.key == v["key"]), None)
    if label is None:
        raise Http404("区分が見つかりません。")
    reach = policy.cases_for(request.user).select_related("person", "main_staff")
    behind = figure.cases_behind(center_id, period, v["key"])
    cases = reach.filter(pk__in=behind.values("pk")).order_by("referral_date", "id")
    excluded = reach.filter(pk__in=figure.cases_behind(center_id, period, v["key"], excluded=True).values("pk"))
    total_behind = behind.count()
    page = page_of(request, cases, DRILL_PAGE_SIZE)
    excluded_list = list(excluded.order_by("referral_date", "id")[:DRILL_PAGE_SIZE])
    policy.log_listed(request, [*page, *excluded_list], section="reports_drill",
                      detail=f"figure={figure.code}")
    params = _period_params(query)
    return render(request, "reports/drill.html", {
        "figure": figure, "label": label, "period": period, "page": page, "excluded": excluded_list,
        "hidden_by_reach": total_behind - page.paginator.count, "params": urlencode(params),
        "query": urlencode({**params, "figure": figure.code, "key": v["key"]}), "nav": "reports",
    })


def _buckets(figure, center_id, period):
    if isinstance(figure, figures.DaysFigure):
        return figure.buckets()
    return figure.buckets(center_id, period)


@rule("reports.outcome")
def outcome_report(request):
    v = OutcomeReportQuery.read(request).values
    fiscal_year = v["fy"] or counting.current_fiscal_year(timezone.localdate())
    fmt = v["format"] or "xlsx"
    report = outcome.build_report(center=request.user.center, fiscal_year=fiscal_year, public=v["public"])
    if fmt == "pdf":
        data, content_type = outcome.to_pdf(report), "application/pdf"
    else:
        data = outcome.to_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    log_access(request=request, action=AccessAction.DOWNLOAD,
               section="outcome_report", detail=f"fy={fiscal_year} format={fmt} public={int(v['public'])}")
    name = f"outcome-report-{fiscal_year}{'-public' if v['public'] else ''}.{fmt}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
