from django import forms
from django.core.validators import MaxValueValidator

from yorisoi.common.forms import QueryDateField, QueryForm, QueryNumberField

from . import calendar, conf, rules


class FeedNamesForm(forms.Form):
    shows_names = forms.BooleanField(label="予定に対象者の氏名を含める", required=False)


# --- query parameters (common.forms.QueryForm: a bad one is named on the page, never a 500) ----------------------

SCOPES = [("", ""), (rules.MINE, "自分の担当"), (rules.CENTER, "センター全体")]


class InboxQuery(QueryForm):
    """?days= and ?scope= of やること."""

    days = QueryNumberField(label="表示する日数", min_value=1, max_value=366)
    scope = forms.ChoiceField(label="範囲", required=False, initial="", choices=SCOPES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.fields["days"]  # the settings' limit (a copy of the class's field, this form's own)
        days.max_value, days.initial = conf.inbox_max_days(), conf.inbox_days()
        days.validators = [v if not isinstance(v, MaxValueValidator) else MaxValueValidator(days.max_value)
                           for v in days.validators]


class CalendarQuery(QueryForm):
    """?view=, ?date= and ?scope= of the calendar."""

    view = forms.ChoiceField(label="表示", required=False, initial=calendar.MONTH,
                             choices=[("", ""), (calendar.MONTH, "月"), (calendar.WEEK, "週")])
    date = QueryDateField(label="日付")
    scope = forms.ChoiceField(label="範囲", required=False, initial="", choices=SCOPES)
