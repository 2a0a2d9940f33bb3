"""Filters of the API's lists, read through QueryForm like the pages' filters. Unlike a page (which leaves a bad
condition out and says so), the API answers a value it cannot read with 400 and the Japanese message: a program
should not receive a list it did not ask for.

No filter takes a person's name: a name in a URL ends up in server and proxy logs (the pages send it in a POST)."""

from __future__ import annotations

from django import forms

from yorisoi.cases.models import Phase
from yorisoi.common.forms import QueryDateField, QueryFlagField, QueryForm, QueryIdField, QueryTextField
from yorisoi.meetings.models import MeetingKind
from yorisoi.procedures.models import FollowUpStatus
from yorisoi.records.models import ActivityKind

from .errors import BadQuery


def _choice(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "すべて"), *choices], required=False)


def read(form_class: type[QueryForm], request) -> dict:
    form = form_class(request.query_params)
    if form.problems:
        raise BadQuery({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return form.values


class PersonQuery(QueryForm):
    updated_since = QueryDateField(label="更新日（この日以降）")


class CaseQuery(QueryForm):
    phase = _choice("段階", Phase.choices)
    person = QueryIdField(label="対象者")
    mine = QueryFlagField(label="自分の担当だけ")


class ActivityQuery(QueryForm):
    case = QueryIdField(label="支援ケース")
    person = QueryIdField(label="対象者")
    kind = _choice("種別", ActivityKind.choices)
    since = QueryDateField(label="日付（この日から）")
    until = QueryDateField(label="日付（この日まで）")


class FollowUpQuery(QueryForm):
    case = QueryIdField(label="支援ケース")
    status = _choice("状況", FollowUpStatus.choices)
    due_from = QueryDateField(label="予定日（この日から）")
    due_until = QueryDateField(label="予定日（この日まで）")


class OrganizationQuery(QueryForm):
    name = QueryTextField(label="機関名（一部）")
    kind = QueryIdField(label="種別")


class MeetingQuery(QueryForm):
    kind = _choice("種類", MeetingKind.choices)
    since = QueryDateField(label="日付（この日から）")
    until = QueryDateField(label="日付（この日まで）")
