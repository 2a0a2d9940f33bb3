"""Forms of support records (支援経過記録)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from yorisoi.common.forms import LocalDateTimeField, VersionedFormMixin, apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField

from .models import MINUTES_MAX, MINUTES_RANGE_MESSAGE, Activity, ActivityKind
from .services import FUTURE_MESSAGE, FUTURE_TOLERANCE

# A record is written after the fact; a few minutes of clock difference between devices are allowed.


class ActivityForm(forms.Form):
    occurred_at = LocalDateTimeField(label="日時")
    kind = forms.ChoiceField(label="種別", choices=[("", "選んでください"), *ActivityKind.choices])
    counterpart = CleanFormCharField(label="相手方（機関・人）", max_length=100, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": "例：本人、保護観察所 〇〇観察官"}))
    minutes = forms.IntegerField(label="所要時間（分）", required=False, min_value=0, max_value=MINUTES_MAX,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}))
    narrative = CleanFormCharField(label="内容", widget=forms.Textarea(attrs={"rows": 6}),
                                   help_text="事実と本人の言葉、支援者の判断を分けて書くと後から読みやすくなります。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        apply_japanese_required_messages(self)
        self.fields["minutes"].error_messages.update({
            "min_value": MINUTES_RANGE_MESSAGE,
            "max_value": MINUTES_RANGE_MESSAGE,
        })

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value and value > timezone.now() + FUTURE_TOLERANCE:
            raise forms.ValidationError(FUTURE_MESSAGE)
        return value

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("occurred_at", "kind", "counterpart", "minutes",
                                                             "narrative")}


class ActivityCorrectionForm(VersionedFormMixin, ActivityForm):
    change_reason = CleanFormCharField(
        label="訂正の理由", max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：日時の誤記、聞き取り内容の追記"}),
        help_text="任意。訂正前の内容は履歴に残ります。")

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        return {"occurred_at": activity.occurred_at, "kind": activity.kind, "counterpart": activity.counterpart,
                "minutes": activity.minutes, "narrative": activity.narrative, "version": activity.version}
