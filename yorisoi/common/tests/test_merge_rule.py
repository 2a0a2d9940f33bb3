"""The merge rule after a refused save: base (what the user read), mine (the form), theirs (what is stored now)
→ the form's new values and the fields both changed. Property tests over any values and any fields."""

import datetime as dt

from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yorisoi.common.concurrency import field_as_data, merge_changes
from yorisoi.common.forms import EraDateField, EraDateTimeField

# The machine may be busy with other work: no time limits (the rule is pure; slowness is not a failure here).
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = st.sampled_from(["氏名", "電話", "住所", "メモ", "段階"])
VALUES = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["", "甲", "乙", "𠮷野"]))


@st.composite
def three_versions(draw):
    """A record as read, as this user typed it and as stored now: each field of the form kept or changed."""
    names = draw(st.lists(NAMES, unique=True, min_size=1))
    base = {n: draw(VALUES) for n in names}
    mine = {n: draw(st.one_of(st.just(base[n]), VALUES)) for n in names}
    theirs = {n: draw(st.one_of(st.just(base[n]), VALUES)) for n in names}
    return base, mine, theirs


@relaxed
@given(three_versions())
def test_every_field_takes_one_of_the_two_values(versions):
    base, mine, theirs = versions
    merged = merge_changes(base, mine, theirs)
    assert set(merged.values) == set(mine)
    assert all(merged.values[n] in (mine[n], theirs[n]) for n in mine)


@relaxed
@given(three_versions())
def test_a_change_of_one_side_only_is_kept(versions):
    base, mine, theirs = versions
    merged = merge_changes(base, mine, theirs)
    for n in mine:
        if mine[n] != base[n]:
            assert merged.values[n] == mine[n]  # what this user changed is never undone
        elif theirs[n] != base[n]:
            assert merged.values[n] == theirs[n]  # what the other changed is never put back
        else:
            assert merged.values[n] == base[n]


@relaxed
@given(three_versions())
def test_a_conflict_is_exactly_a_field_both_changed_to_different_values(versions):
    base, mine, theirs = versions
    merged = merge_changes(base, mine, theirs)
    expected = {n for n in mine if mine[n] != base[n] and theirs[n] != base[n] and mine[n] != theirs[n]}
    assert merged.conflicts == expected
    assert merged.conflicts <= merged.mine & merged.theirs


@relaxed
@given(three_versions())
def test_conflicts_do_not_depend_on_who_saved_first(versions):
    base, mine, theirs = versions
    assert merge_changes(base, mine, theirs).conflicts == merge_changes(base, theirs, mine).conflicts
    without_conflicts = set(mine) - merge_changes(base, mine, theirs).conflicts
    one, other = merge_changes(base, mine, theirs).values, merge_changes(base, theirs, mine).values
    assert all(one[n] == other[n] for n in without_conflicts)


@relaxed
@given(three_versions())
def test_saving_the_merged_form_again_changes_only_what_this_user_changed(versions):
    base, mine, theirs = versions
    merged = merge_changes(base, mine, theirs)
    # The 409 page's form now counts from the stored version: a second merge against it finds nothing of theirs
    again = merge_changes(theirs, merged.values, theirs)
    assert again.values == merged.values and not again.conflicts and not again.theirs
    assert again.mine == {n for n in mine if merged.values[n] != theirs[n]} <= merged.mine


@relaxed
@given(st.dictionaries(NAMES, VALUES, min_size=1), st.dictionaries(NAMES, VALUES))
def test_nobody_else_saved_means_the_form_is_saved_as_typed(base, typed):
    mine = {n: typed.get(n, base[n]) for n in base}
    merged = merge_changes(base, mine, dict(base))
    assert merged.values == mine and not merged.conflicts and not merged.theirs


@relaxed
@given(three_versions())
def test_an_untouched_form_takes_everything_stored(versions):
    base, _mine, theirs = versions
    merged = merge_changes(base, dict(base), theirs)
    assert merged.values == theirs and not merged.mine and not merged.conflicts


def test_values_are_compared_with_the_rule_given():
    merged = merge_changes({"a": "x"}, {"a": " x "}, {"a": "y"}, same=lambda p, q: p.strip() == q.strip())
    assert merged.values == {"a": "y"} and not merged.conflicts


# --- how a value is sent back from a form field --------------------------------------------------------------


class _Shown(forms.Form):
    day = EraDateField(label="日付", required=False)
    at = EraDateTimeField(label="日時", required=False)
    kind = forms.ChoiceField(label="種類", choices=[("", "選んでください"), ("a", "甲")], required=False)
    tags = forms.MultipleChoiceField(label="分類", choices=[("a", "甲"), ("b", "乙")], required=False)
    done = forms.BooleanField(label="完了", required=False)
    known = forms.NullBooleanField(label="有無", required=False)
    count = forms.IntegerField(label="件数", required=False)


def test_a_value_is_sent_back_as_the_form_field_shows_it():
    form = _Shown()
    at = dt.datetime(2026, 12, 7, 13, 5, 27, tzinfo=dt.UTC)
    assert field_as_data(form.fields["day"], dt.date(2025, 4, 1)) == "令和7年4月1日"
    assert field_as_data(form.fields["at"], at) == field_as_data(form.fields["at"], at.replace(second=0))
    assert field_as_data(form.fields["kind"], "a") == "a"
    assert field_as_data(form.fields["tags"], ["a", "b"]) == ["a", "b"]
    assert field_as_data(form.fields["done"], True) == "on" and field_as_data(form.fields["done"], False) is None
    assert field_as_data(form.fields["known"], False) == "false"
    assert field_as_data(form.fields["count"], 3) == "3" and field_as_data(form.fields["count"], None) == ""


@relaxed
@given(st.dates(dt.date(1868, 1, 25), dt.date(2100, 12, 31)))
def test_a_date_sent_back_reads_as_the_same_date(day):
    field = EraDateField()
    assert field.clean(field_as_data(field, day)) == day


# --- a set of ids (a many-to-many field) -----------------------------------------------------------------------

IDS = st.frozensets(st.integers(1, 8))


@relaxed
@given(IDS, IDS, IDS)
def test_a_set_keeps_what_each_side_added_and_removed_and_never_conflicts(base, mine, theirs):
    merged = merge_changes({"orgs": base}, {"orgs": mine}, {"orgs": theirs})
    value = merged.values["orgs"]
    assert (mine - base) | (theirs - base) <= value  # both users' additions
    assert not value & ((base - mine) | (base - theirs))  # and both users' removals
    assert value <= base | mine | theirs
    assert not merged.conflicts
    assert value == merge_changes({"orgs": base}, {"orgs": theirs}, {"orgs": mine}).values["orgs"]


def test_a_set_nobody_else_changed_is_saved_as_chosen():
    merged = merge_changes({"orgs": frozenset({1, 2})}, {"orgs": frozenset({2, 3})}, {"orgs": frozenset({1, 2})})
    assert merged.values == {"orgs": frozenset({2, 3})} and merged.mine == {"orgs"} and not merged.theirs
