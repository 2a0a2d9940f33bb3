"""Two staff edit the same case at once: the second save is refused, the form comes back holding the first
person's change and the second person's, and saving again keeps both."""

import re

import pytest

from e2e.helpers import shot
from yorisoi.cases.models import Case
from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e

FIRST_PLACE = "架空刑務所"
SECOND_OFFICER = "架空 保護観察官"


def test_second_case_save_is_refused_then_saved_again_with_both_changes(logged_in, worker, colleague, center):
    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker, release_place="",
                       referral_officer="")
    first = logged_in(worker)
    second = logged_in(colleague)
    for page in (first, second):
        page.goto(f"/cases/{case.pk}/edit/")

    # The first saves the release place.
    first.locator("#id_release_place").fill(FIRST_PLACE)
    first.get_by_role("button", name="保存").click()
    first.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))

    # The second, still on the old version, writes the referral officer and saves: refused.
    second.locator("#id_referral_officer").fill(SECOND_OFFICER)
    with second.expect_response(lambda r: r.url.endswith("/edit/") and r.request.method == "POST") as response:
        second.get_by_role("button", name="保存").click()
    assert response.value.status == 409
    notice = second.locator("#stale-edit")
    assert "保存できませんでした。" in notice.inner_text()
    assert FIRST_PLACE in notice.locator(".diff-table").inner_text()
    # The form holds both: the first person's place (untouched here) and what the second typed.
    assert second.locator("#id_release_place").input_value() == FIRST_PLACE
    assert second.locator("#id_referral_officer").input_value() == SECOND_OFFICER
    shot(second, "case_stale_edit_merged")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.release_place, stored.referral_officer) == (FIRST_PLACE, "")  # the refusal wrote nothing

    # Saving again keeps both changes.
    second.get_by_role("button", name="保存").click()
    second.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    stored.refresh_from_db()
    assert (stored.release_place, stored.referral_officer) == (FIRST_PLACE, SECOND_OFFICER)
