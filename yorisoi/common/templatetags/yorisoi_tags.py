from django import template

from yorisoi.common.eras import format_both, format_era

register = template.Library()


@register.filter
def era(value, style: str = "long") -> str:
    """{{ person.birth_date|era }} → 昭和40年1月2日; |era:"short" → S40.1.2"""
    if value is None or value == "":
        return ""
    if hasattr(value, "date") and callable(value.date):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_era(value, style=style)


@register.filter
def era_both(value) -> str:
    return format_both(value) if value else ""


@register.filter
def days_until(value, today=None) -> int | None:
    import datetime as dt

    from django.utils import timezone

    if value is None:
        return None
    today = today or timezone.localdate()
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return (value - today).days
