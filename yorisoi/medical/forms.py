from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import fields_for_model

from yorisoi.common.forms import EraDateField, QueryForm, QueryNumberField, apply_japanese_required_messages
from yorisoi.common.text import CleanFormCharField
from yorisoi.partners.selectors import medical_organizations_for

from . import services
from .models import Appointment, HealthCheck, Medication, UrgentRoute

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _organization_label(org) -> str:
    features = "・".join(org.medical_features)
    return f"{org}（{features}）" if features else str(org)


class _MedicalForm(forms.Form):
    """A form over one model's fields (services.*_FIELDS); the hospital is chosen from the center's directory."""

    model: type = None
    field_names: list[str] = []
    field_classes: dict = {}
    widgets: dict = {}

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names, field_classes=self.field_classes,
                                     widgets=self.widgets)
        for name in self.field_names:
            self.fields[name] = generated[name]
        org = self.fields["organization"]
        org.queryset = medical_organizations_for(user)
        org.label_from_instance = _organization_label
        org.label = "医療機関（関係機関の名簿から）"
        if editing:
            self.fields["change_reason"] = CleanFormCharField(label="変更理由（任意）", required=False, max_length=200)
        apply_japanese_required_messages(self)
        org.empty_label = "名簿から選ぶ（名簿にないときは下に名前を入力）"

    def clean(self):
        cleaned = super().clean()
        return {k: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v
                for k, v in cleaned.items()}

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names}

    @classmethod
    def initial_of(cls, item) -> dict:
        return {name: getattr(item, name) for name in cls.field_names}


class MedicationForm(_MedicalForm):
    model = Medication
    field_names = services.MEDICATION_FIELDS
    field_classes = {"prescribed_on": EraDateField, "supply_until": EraDateField, "ended_on": EraDateField}
    widgets = {"name": forms.TextInput(attrs={"autocomplete": "off", "placeholder": "例：アムロジピン錠5mg"}),
               "dosage": forms.TextInput(attrs={"autocomplete": "off", "placeholder": "例：1日1回 朝食後 1錠"}),
               "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = "処方する医療機関（関係機関の名簿から）"
        days = self.fields["days_supplied"]
        days.validators += [MinValueValidator(1, "処方日数は1〜365日で入力してください。"),
                            MaxValueValidator(365, "処方日数は1〜365日で入力してください。")]
        days.widget.attrs.update({"min": 1, "max": 365})
        self.fields["days_supplied"].help_text = "例：28（日分）"


class AppointmentForm(_MedicalForm):
    model = Appointment
    field_names = services.APPOINTMENT_FIELDS
    field_classes = {"on": EraDateField}
    widgets = {"at": TIME_WIDGET, "purpose": forms.TextInput(attrs={"autocomplete": "off"}),
               "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].error_messages["invalid"] = "時刻は 13:30 のように入力してください。"


class HealthCheckForm(_MedicalForm):
    model = HealthCheck
    field_names = services.CHECK_FIELDS
    field_classes = {"due_on": EraDateField, "done_on": EraDateField}
    widgets = {"result_note": forms.Textarea(attrs={"rows": 2})}


class UrgentRouteForm(_MedicalForm):
    model = UrgentRoute
    field_names = services.ROUTE_FIELDS
    widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
               "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = "受診先（関係機関の名簿から）"


class ContinuityQuery(QueryForm):
    """?days= of the center's list: how far ahead a medicine's supply counts as running out."""

    days = QueryNumberField(label="薬が切れるまでの日数", min_value=0, max_value=365)


class BackQuery(QueryForm):
    """?back= (and the form's hidden back=): return to the person's 医療 page instead of the face sheet."""

    back = forms.ChoiceField(label="戻り先", required=False, initial="", choices=[("", ""), ("medical", "医療")])
