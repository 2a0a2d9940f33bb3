import datetime as dt

from yorisoi.common.eras import format_era
from yorisoi.partners.forms import KnownBooleanSelect


def form_data(response) -> dict:
    """What the browser would send back from the form in `response`, unchanged (as after opening it)."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, KnownBooleanSelect):
            if value is not None:
                data[name] = "true" if value else "false"
            continue
        if value is None or value is False or value == []:
            continue
        if isinstance(value, dt.date):
            value = format_era(value)
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "on" if value is True else str(value)
    return data


def body(response) -> str:
    return response.content.decode()
