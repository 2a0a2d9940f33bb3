"""Merges after a refused save, on every versioned edit form.

For each form: two directors open it; A saves field x; B, still on the old version, saves field y → refused
(409), the form comes back with A's x and B's y and A's version; B saves again → both changes are stored.
Then both open it again; A changes x; B changes x to something else and y → refused, naming x in Japanese;
B saves again → B's x (decided after seeing A's) and B's y are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from conftest import verified_client
from tests.test_authorization_matrix import World
from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.common.concurrency import form_as_data

pytestmark = pytest.mark.django_db

CONFLICT_NOTICE = "同じ項目をあなたと相手の両方が変更しています"


@dataclass(frozen=True)
class Edit:
    url: Callable[[World], str]
    x: str  # the field A changes (and B too in the second round)
    y: str  # the field only B changes
    values: tuple[str, str, str, str, str] = ("甲の変更", "乙の変更", "甲の再変更", "乙の別の値", "乙の再変更")
    prefix: str = ""

    def key(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name


def _url(name: str, **kw: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={k: f(w) for k, f in kw.items()})


def _pk(kind: str):
    return lambda w: getattr(w, kind).pk


def _case(w):
    return w.case.pk


EDITS = {
    "person": Edit(_url("people:edit", pk=lambda w: w.person.pk), "wishes", "phone",
                   ("実家の近く", "", "一人暮らし", "グループホーム", "")),
    "case": Edit(_url("cases:edit", pk=_case), "release_place", "referral_officer"),
    "activity": Edit(_url("records:edit", pk=_pk("activity")), "narrative", "counterpart"),
    "organization": Edit(_url("partners:edit", pk=_pk("organization")), "notes", "opening_hours"),
    "organization_contact": Edit(_url("partners:contact_edit", pk=_pk("organization_contact")), "notes", "title"),
    "outreach": Edit(_url("partners:outreach_edit", pk=_pk("outreach")), "materials", "audience"),
    "center": Edit(lambda w: reverse("accounts:center_settings"), "name", "phone",
                   ("甲センター", "048-111-2222", "乙センター", "丙センター", "048-333-4444")),
    "preconsultation": Edit(_url("intake:preconsultation_edit", pk=_pk("preconsultation")), "summary", "officer"),
    "consultation": Edit(_url("intake:consultation_edit", pk=_pk("consultation")), "summary", "officer"),
    "placement": Edit(_url("placements:placement_edit", pk=_pk("placement")), "notes", "facility_name"),
    "inquiry": Edit(_url("placements:inquiry_edit", pk=_pk("inquiry")), "notes", "answered_by"),
    "connection": Edit(_url("placements:connection_edit", pk=_pk("connection")), "outcome", "organization_name"),
    "assessment": Edit(_url("planning:assessment_edit", case_pk=_case, pk=_pk("assessment")), "summary",
                       "d1_findings"),
    "assessment_domains": Edit(_url("planning:assessment_edit", case_pk=_case, pk=_pk("assessment")),
                               "d2_needs", "summary"),
    "plan": Edit(_url("planning:plan_edit", case_pk=_case, pk=_pk("plan")), "staff_goals", "person_goals"),
    "procedure": Edit(_url("procedures:edit", case_pk=_case, pk=_pk("procedure")), "notes", "contact_name"),
    "follow_up": Edit(_url("procedures:follow_up_edit", case_pk=_case, pk=_pk("follow_up")), "notes", "due_date",
                      ("甲の変更", "令和9年1月12日", "甲の再変更", "乙の別の値", "令和9年2月3日"), prefix="follow_up"),
    "agreement": Edit(_url("disclosure:agreement_edit", pk=_pk("agreement")), "scope_note", "title"),
    "subject_request": Edit(_url("disclosure:request_edit", pk=_pk("subject_request")), "handling", "outcome_note"),
}


def _open(client, url: str):
    """What the browser sends back from the page's form unchanged (with its formset of rows, if it has one)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = form_as_data(form)
    formset = response.context.get("formset")
    if formset is not None:
        for part in (formset.management_form, *formset.forms):
            data.update(form_as_data(part))
    return data, form


def _post(client, url: str, data):
    return client.post(url, dict(data.lists()))


@pytest.mark.parametrize("kind", EDITS)
def test_a_save_after_a_refusal_keeps_both_changes_and_asks_when_both_changed_a_field(
        kind, center, worker, director):
    edit = EDITS[kind]
    url = edit.url(World(center, worker, director))
    a = verified_client(director)
    b = verified_client(StaffFactory(center=center, role=Role.DIRECTOR, username="second_director"))
    x, y = edit.key(edit.x), edit.key(edit.y)
    a_x, b_y, a_x2, b_x2, b_y2 = edit.values

    # Round 1: different fields.
    (a_data, _), (b_data, form) = _open(a, url), _open(b, url)
    a_data[x] = a_x
    assert _post(a, url, a_data).status_code == 302
    b_data[y] = b_y
    refused = _post(b, url, b_data)
    assert refused.status_code == 409
    assert CONFLICT_NOTICE not in refused.content.decode()
    again = refused.context["form"].data
    assert again[x] == a_x and again[y] == b_y  # the form holds both changes
    assert _post(b, url, again).status_code == 302
    stored, _ = _open(a, url)
    assert (stored[x], stored[y]) == (a_x, b_y)

    # Round 2: both change x.
    (a_data, _), (b_data, form) = _open(a, url), _open(b, url)
    a_data[x] = a_x2
    assert _post(a, url, a_data).status_code == 302
    b_data[x], b_data[y] = b_x2, b_y2
    refused = _post(b, url, b_data)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert CONFLICT_NOTICE in page and f"「{form.fields[edit.x].label}」" in page
    again = refused.context["form"].data
    assert again[x] == b_x2 and again[y] == b_y2
    assert _post(b, url, again).status_code == 302
    stored, _ = _open(a, url)
    assert (stored[x], stored[y]) == (b_x2, b_y2)


def test_the_organizations_and_staff_of_an_outreach_entry_merge_as_sets(center, worker, director):
    """Many-to-many fields: A adds an organization and takes a staff member off; B, on the old version, adds another
    organization and changes a text → refused, and the form comes back with both additions, without the staff
    member A took off, and with B's text; saving again stores all of it."""
    from yorisoi.partners.models import Outreach
    from yorisoi.partners.tests.factories import OrganizationFactory

    world = World(center, worker, director)
    outreach = world.outreach
    outreach.staff.set([worker, director])
    first, second = OrganizationFactory(center=center, name="甲の追加機関"), OrganizationFactory(
        center=center, name="乙の追加機関")
    url = reverse("partners:outreach_edit", args=[outreach.pk])
    a = verified_client(director)
    b = verified_client(StaffFactory(center=center, role=Role.DIRECTOR, username="second_director"))

    (a_data, _), (b_data, _) = _open(a, url), _open(b, url)
    a_data.setlist("organizations", [*a_data.getlist("organizations"), str(first.pk)])
    a_data.setlist("staff", [str(director.pk)])
    assert _post(a, url, a_data).status_code == 302
    b_data.setlist("organizations", [*b_data.getlist("organizations"), str(second.pk)])
    b_data["audience"] = "乙の変更"
    refused = _post(b, url, b_data)
    assert refused.status_code == 409
    assert CONFLICT_NOTICE not in refused.content.decode()
    shown = {change.label: change.after for change in refused.context["stale"].changes}  # what A changed
    assert "甲の追加機関" in shown["対象機関"] and shown["担当職員"] == str(director)
    again = refused.context["form"].data
    assert set(again.getlist("organizations")) == {str(world.organization.pk), str(first.pk), str(second.pk)}
    assert again.getlist("staff") == [str(director.pk)] and again["audience"] == "乙の変更"
    assert _post(b, url, again).status_code == 302
    stored = Outreach.objects.get(pk=outreach.pk)
    assert set(stored.organizations.all()) == {world.organization, first, second}
    assert list(stored.staff.all()) == [director] and stored.audience == "乙の変更"
