"""Reads of support records. Users who may not read narratives never even load (decrypt) them."""

from django.db.models import QuerySet

from yorisoi.privacy import policy


def _scoped(user) -> QuerySet:
    qs = policy.activities_for(user)
    if not policy.access_for(user).can_see_narrative:
        qs = qs.defer("narrative")
    return qs


def recent_records(*, user, author=None, limit: int = 10):
    qs = _scoped(user).select_related("case", "person", "author").order_by("-occurred_at", "-id")
    if author is not None:
        qs = qs.filter(author=author)
    return qs[:limit]


def timeline_for_case(*, user, case) -> QuerySet:
    return _scoped(user).filter(case=case).select_related("author").order_by("-occurred_at", "-id")


def timeline_for_person(*, user, person) -> QuerySet:
    return (_scoped(user).filter(person=person).select_related("author", "case")
            .order_by("-occurred_at", "-id"))


COMPARED_FIELDS = ("occurred_at", "kind", "counterpart", "minutes", "narrative")


def versions_of(*, activity) -> list:
    """Every saved state of a record, newest first, with who saved it and why (django-simple-history).

    Each version carries `changed`: the names of the fields that differ from the version before it.
    """
    versions = list(activity.history.select_related("history_user").order_by("-history_date", "-history_id"))
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        newer.changed = (set() if older is None else
                         {name for name in COMPARED_FIELDS if getattr(newer, name) != getattr(older, name)})
    return versions
