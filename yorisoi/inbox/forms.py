from django import forms


class FeedNamesForm(forms.Form):
    shows_names = forms.BooleanField(label="予定に対象者の氏名を含める", required=False)
