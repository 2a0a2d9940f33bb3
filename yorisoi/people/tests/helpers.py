import datetime as dt

from yorisoi.common.eras import format_era

BASE_POST = {
    "family_name": "架空",
    "given_name": "一郎",
    "family_name_kana": "カクウ",
    "given_name_kana": "イチロウ",
    "sex": "male",
    "birth_date": "S40.1.2",
    "public_assistance": "unknown",
}


def form_data(response) -> dict:
    """What the browser would send back from the form in `response`, unchanged (as after opening it)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, dt.date):
            value = format_era(value)
        data[name] = "on" if value is True else str(value)
    return data


def body(response) -> str:
    return response.content.decode()
