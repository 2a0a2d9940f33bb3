"""Shared form pieces: the empty choice of every list reads 「選んでください」."""

from django import forms

from yorisoi.common.forms import apply_japanese_required_messages


class _Choices(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=[("", "---------"), ("a", "甲"), ("b", "乙")])
    grade = forms.ChoiceField(label="等級", choices=[("", "先に種類を選んでください"), ("1", "1級")])


def test_the_empty_choice_reads_select_please_not_dashes():
    form = _Choices()
    apply_japanese_required_messages(form)
    html = str(form["kind"])
    assert "選んでください" in html and "---------" not in html
    assert "先に種類を選んでください" in str(form["grade"])  # a label the form chose itself is kept
