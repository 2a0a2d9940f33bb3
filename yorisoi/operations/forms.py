from django import forms

from yorisoi.common.forms import apply_japanese_required_messages

from .retention.kinds import KINDS
from .retention.rules import MAX_YEARS, validation_errors


class RetentionForm(forms.Form):
    """One field per kind of record: years after the person's last case closed."""

    def __init__(self, *args, years: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            # The limits are checked in clean() (rules.validation_errors) so that the messages name the kind.
            self.fields[kind.code] = forms.IntegerField(
                label=kind.label, initial=years[kind.code], help_text=kind.covers,
                widget=forms.NumberInput(attrs={"class": "years-input", "min": kind.min_years(), "max": MAX_YEARS}))
        apply_japanese_required_messages(self)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for code, message in validation_errors(cleaned).items():
                self.add_error(code, message)
        return cleaned
