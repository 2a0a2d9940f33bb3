"""Reading and changing a center's retention rules (years after the last case closed, per kind of record)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction, RetentionRule

from .kinds import KINDS, KINDS_BY_CODE, PERSON

MAX_YEARS = 100


def rules_for(center_id: int) -> dict[str, int]:
    """{kind code: years} for the center: its own rows over the defaults."""
    years = {kind.code: kind.default_years for kind in KINDS}
    for kind, value in RetentionRule.objects.filter(center_id=center_id).values_list("kind", "years"):
        if kind in years:
            years[kind] = value
    return years


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def years_before(day: dt.date, years: int) -> dt.date:
    return years_after(day, -years)


def is_due(reference: dt.date, years: int, today: dt.date) -> bool:
    """Kept for `years` after `reference`: due the day after that period ends."""
    return years_after(reference, years) < today


def validation_errors(years: dict[str, int]) -> dict[str, str]:
    """Per kind, what is wrong with the proposed years (empty when they may be saved)."""
    errors = {}
    for kind in KINDS:
        value = years.get(kind.code)
        if value is None:
            errors[kind.code] = "年数を入力してください。"
        elif value < kind.min_years():
            errors[kind.code] = f"{kind.label}は{kind.min_years()}年以上にしてください。"
        elif value > MAX_YEARS:
            errors[kind.code] = f"{MAX_YEARS}年以下にしてください。"
    others = [years[k.code] for k in KINDS if k.code != PERSON and isinstance(years.get(k.code), int)]
    if PERSON not in errors and others and years[PERSON] < max(others):
        errors[PERSON] = (
            f"対象者の保存期間は、ほかの記録の最も長い期間（{max(others)}年）以上にしてください。"
            "対象者を匿名化すると、その人のすべての記録も一緒に匿名化されるためです。"
        )
    return errors


@transaction.atomic
def set_retention_rules(*, actor: Staff, years: dict[str, int], request=None) -> dict[str, tuple[int, int]]:
    """Save the center's periods (director only). Returns {kind: (before, after)} for the kinds changed;
    each change is kept in the rule's history and the access log names them (codes and years only)."""
    if not policy.may_manage_retention(actor):
        raise PermissionDenied
    errors = validation_errors(years)
    if errors:
        raise ValidationError(errors)
    current = rules_for(actor.center_id)
    changed = {code: (current[code], years[code]) for code in KINDS_BY_CODE if current[code] != years[code]}
    existing = {rule.kind: rule for rule in policy.of_center(RetentionRule.objects.select_for_update(), actor)}
    for code, (_, after) in changed.items():
        rule = existing.get(code) or RetentionRule(center_id=actor.center_id, kind=code)
        rule.years = after
        rule.updated_by = actor
        rule._history_user = actor
        rule.full_clean()
        rule.save()
    if changed:
        log_access(request=request, actor=actor, action=AccessAction.UPDATE, section="retention",
                   detail="保存期間の変更: " + "、".join(f"{code} {b}年→{a}年" for code, (b, a) in changed.items()))
    return changed
