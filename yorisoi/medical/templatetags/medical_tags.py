"""The 医療 section that the person page embeds. The policy decides (medical_access); the tag only renders.
No access-log row: the person page has logged its own view of the face sheet, health section included."""

from django import template
from django.utils import timezone

from yorisoi.medical import selectors
from yorisoi.privacy.policy.areas import medical_access

register = template.Library()


@register.inclusion_tag("medical/_person_medical.html", takes_context=True)
def person_medical_section(context, person, access):
    """{% load medical_tags %}{% person_medical_section person access %}: current medicines, planned visits, health
    checks not yet done and the urgent route. Nothing (and no query) for users who may not see health."""
    rights = medical_access(context["request"].user, access)
    today = timezone.localdate()
    medical = selectors.person_medical(person=person, today=today) if rights.can_read else None
    return {"rights": rights, "person": person, "medical": medical, "today": today, "full": False}
