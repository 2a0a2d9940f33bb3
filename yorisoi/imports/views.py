"""The import wizard's pages: upload → sheet → columns → preview (checked as a task) → dry run / commit (a task
with a progress bar). Directors only (view rule imports.run; the services check the policy again)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from yorisoi.privacy import policy
from yorisoi.privacy.policy import log_listed, rule

from . import services, store, tasks
from .forms import MappingForm, PreviewQuery, SheetForm, UploadForm
from .models import BatchStatus, ImportBatch, ImportTarget
from .reading import ReadError, sheet_names
from .sample import template_xlsx

PREVIEW_PAGE = 100
DECISIONS_SHOWN = 500


def _batch(request, pk: int) -> ImportBatch:
    """Another center's batch is missing, as a missing one is."""
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk,
                             center_id=request.user.center_id)


def _context(**extra) -> dict:
    return {"nav": "imports", **extra}


@rule("imports.run")
def import_start(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_batch(actor=request.user, target=form.cleaned_data["target"],
                                         uploaded=form.cleaned_data["file"])
        except services.ImportRefused as refused:
            errors = refused.errors
        else:
            if batch.file_kind == "xlsx" and len(sheet_names(store.upload_path(batch))) > 1:
                return redirect("imports:sheet", pk=batch.pk)
            return redirect("imports:mapping", pk=batch.pk)
    batches = policy.of_center(ImportBatch, request.user).select_related("created_by")[:20]
    return render(request, "imports/import_start.html",
                  _context(form=form, file_errors=errors, batches=batches, targets=ImportTarget.choices))


@rule("imports.run")
def import_template(request, target: str):
    if target not in ImportTarget.values:
        raise Http404
    response = HttpResponse(template_xlsx(target),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"取り込みテンプレート_{ImportTarget(target).label}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@rule("imports.run")
def import_sheet(request, pk: int):
    batch = _batch(request, pk)
    if batch.file_kind != "xlsx" or batch.status != BatchStatus.UPLOADED:
        return redirect("imports:mapping", pk=batch.pk)
    try:
        sheets = sheet_names(store.upload_path(batch))
    except (ReadError, OSError):
        messages.error(request, "ファイルを読み込めませんでした。もう一度ファイルを選んでください。")
        return redirect("imports:start")
    form = SheetForm(request.POST or None, sheets=sheets, initial={"sheet": batch.sheet})
    if request.method == "POST" and form.is_valid():
        services.set_sheet(actor=request.user, batch=batch, sheet=form.cleaned_data["sheet"])
        return redirect("imports:mapping", pk=batch.pk)
    return render(request, "imports/import_sheet.html", _context(batch=batch, form=form))


@rule("imports.run")
def import_mapping(request, pk: int):
    batch = _batch(request, pk)
    if batch.status in (BatchStatus.CHECKING, BatchStatus.RUNNING, BatchStatus.DONE):
        return redirect("imports:batch", pk=batch.pk)
    try:
        line, headings, guessed = services.suggested_mapping(actor=request.user, batch=batch)
    except services.ImportRefused as refused:
        return render(request, "imports/import_mapping.html",
                      _context(batch=batch, form=None, file_errors=refused.errors))
    form = MappingForm(request.POST or None, target=batch.target, headings=headings, initial_mapping=guessed)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mapping(actor=request.user, batch=batch, mapping=form.mapping())
        except services.ImportRefused as refused:
            errors = refused.errors
        else:
            tasks.check_import.enqueue(batch.pk)
            return redirect("imports:batch", pk=batch.pk)
    return render(request, "imports/import_mapping.html",
                  _context(batch=batch, form=form, header_line=line, file_errors=errors))


@rule("imports.run")
def import_batch(request, pk: int):
    batch = _batch(request, pk)
    busy = batch.status in (BatchStatus.CHECKING, BatchStatus.RUNNING)
    progress = store.read_progress(batch.pk) if busy else {}
    total = progress.get("total") or batch.counts.get("total") or 0
    percent = int(progress.get("done", 0) * 100 / total) if busy and total else 0
    context = _context(batch=batch, busy=busy, progress=progress, percent=percent)
    if batch.status == BatchStatus.CHECKED:
        query = PreviewQuery.read(request).values
        show_all = query["show"] == "all"
        statuses = None if show_all else {"error", "duplicate"}
        counts = batch.counts
        shown = counts.get("total", 0) if show_all else counts.get("error", 0) + counts.get("duplicate", 0)
        # The results file is read a page at a time; the shared pagination only needs how many rows there are.
        preview_page = Paginator(range(shown), PREVIEW_PAGE).get_page(query["page"] or 1)
        rows = list(store.read_results(batch, statuses=statuses, offset=preview_page.start_index() - 1
                                       if shown else 0, limit=PREVIEW_PAGE))
        decisions = list(store.read_results(batch, statuses={"error", "duplicate"}, limit=DECISIONS_SHOWN))
        # The preview names registered persons that a row may be: that is a view of them.
        log_listed(request, [c["id"] for r in decisions for c in r["candidates"]], section="imports.preview",
                   obj=batch)
        context.update(rows=rows, preview_page=preview_page, show_all=show_all,
                       decisions=decisions, more_decisions=len(decisions) >= DECISIONS_SHOWN,
                       headings=list(rows[0]["shown"]) if rows else [])
    template = "imports/import_batch.html"
    if request.htmx:
        if not busy:  # finished: the whole page changes (the polling fragment asks for it)
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        template += "#import-progress"
    return render(request, template, context)


@rule("imports.run")
@require_POST
def import_run(request, pk: int):
    batch = _batch(request, pk)
    dry_run = request.POST.get("action") != "commit"
    skip, distinct = set(), set()
    for name, value in request.POST.items():
        if name.startswith("row_") and name[4:].isdigit():
            if value == "skip":
                skip.add(int(name[4:]))
            elif value == "distinct":
                distinct.add(int(name[4:]))
    if request.POST.get("skip_all_problems") == "1":
        for row in store.read_results(batch, statuses={"error", "duplicate"}, limit=10**9):
            if row["line"] not in distinct or row["status"] == "error":
                skip.add(row["line"])
    try:
        services.decide(actor=request.user, batch=batch, skip_lines=skip, distinct_lines=distinct, dry_run=dry_run)
    except services.ImportRefused as refused:
        for error in refused.errors[:20]:
            messages.error(request, error)
        return redirect("imports:batch", pk=batch.pk)
    tasks.run_import.enqueue(batch.pk, dry_run)
    return redirect("imports:batch", pk=batch.pk)
