"""Assessments: create and edit (versioned; a stale save names what the other person changed, domain by domain)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case
from yorisoi.common.concurrency import StaleEditError, changes_since, version_row
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from ..models import Assessment, AssessmentDomain, AssessmentDomainEntry
from ._common import check_same_center, check_writer, child_changes


@dataclass(frozen=True)
class DomainInput:
    findings: str = ""
    needs: str = ""
    level: str = ""


def _domains() -> dict[int, AssessmentDomain]:
    return {d.pk: d for d in AssessmentDomain.objects.all()}


def _write_entries(assessment: Assessment, entries: dict[int, DomainInput], *, version: int) -> list[str]:
    """Create or update the domain rows; returns the codes of the domains that changed."""
    domains = _domains()
    unknown = set(entries) - set(domains)
    if unknown:
        raise ValidationError("アセスメントの領域が正しくありません。")
    existing = {e.domain_id: e for e in assessment.entries.all()}
    changed = []
    for domain_id, data in entries.items():
        findings, needs = data.findings.strip(), data.needs.strip()
        entry = existing.get(domain_id)
        if entry is None:
            entry = AssessmentDomainEntry(assessment=assessment, domain_id=domain_id)
        elif (entry.findings, entry.needs, entry.level) == (findings, needs, data.level):
            continue
        entry.findings, entry.needs, entry.level = findings, needs, data.level
        entry.written_at_version = version
        entry.full_clean(exclude=["assessment"])
        entry.save()
        changed.append(domains[domain_id].code)
    return changed


@transaction.atomic
def create_assessment(*, actor: Staff, case: Case, kind: str, assessed_on: dt.date, assessor: Staff | None,
                      summary: str = "", entries: dict[int, DomainInput], request=None) -> Assessment:
    """A new assessment with a row for every active domain (blank where nothing was written)."""
    check_writer(actor, case)
    check_same_center(actor, assessor)
    assessment = Assessment(center_id=case.center_id, case=case, kind=kind, assessed_on=assessed_on,
                            assessor=assessor, summary=summary.strip(), created_by=actor, updated_by=actor)
    assessment.full_clean()
    assessment._history_user = actor
    assessment.save()
    active = {d.pk for d in AssessmentDomain.objects.filter(active=True)}
    _write_entries(assessment, {**{pk: DomainInput() for pk in active}, **entries}, version=assessment.version)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=assessment, person_id=case.person_id,
               section="assessment")
    return assessment


def _entry_label(domains: dict[int, AssessmentDomain]):
    def label(row) -> str:
        domain = domains.get(row.domain_id)
        return domain.label if domain else "領域"

    return label


def stale_changes(current: Assessment, since: int) -> list:
    return changes_since(current, since) + child_changes(
        history=AssessmentDomainEntry.history, parent_filter={"assessment_id": current.pk},
        version_field="written_at_version", since=since, fields=["findings", "needs", "level"],
        label_of=_entry_label(_domains()))


@transaction.atomic
def update_assessment(*, actor: Staff, assessment: Assessment, expected_version: int, kind: str,
                      assessed_on: dt.date, assessor: Staff | None, summary: str = "",
                      entries: dict[int, DomainInput], request=None) -> Assessment:
    check_writer(actor, assessment.case)
    check_same_center(actor, assessor)
    current = Assessment._base_manager.select_for_update().get(pk=assessment.pk)
    if current.version != expected_version:
        raise StaleEditError(current, stale_changes(current, expected_version),
                              base=version_row(current, expected_version))
    new_version = expected_version + 1
    changed = _write_entries(current, entries, version=new_version)
    header = (kind, assessed_on, assessor.pk if assessor else None, summary.strip())
    if header != (current.kind, current.assessed_on, current.assessor_id, current.summary) or changed:
        current.kind, current.assessed_on, current.assessor, current.summary = kind, assessed_on, assessor, \
            summary.strip()
        current.version = new_version
        current.updated_by = actor
        current.full_clean()
        current._history_user = actor
        current.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=current,
               person_id=current.case.person_id, section="assessment", detail=",".join(changed))
    return current
