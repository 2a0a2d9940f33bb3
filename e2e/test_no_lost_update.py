"""Two staff edit the same face sheet at once: the second save is refused, shows what the first changed,
keeps what the second typed, and nothing of the first is lost."""

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import shot
from yorisoi.people.models import Person
from yorisoi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e

FIRST_PHONE = "090-1111-2222"
SECOND_WISHES = "アパートで一人暮らしをしたい。前の職場の近くがいい。"


def test_second_save_is_refused_and_keeps_both_changes(logged_in, worker, colleague, center):
    person = PersonFactory(center=center, family_name="架空", given_name="花子", phone="", wishes="")
    first = logged_in(worker)
    second = logged_in(colleague)
    for page in (first, second):
        page.goto(f"/people/{person.pk}/edit/")
        expect(page.locator("h1")).to_have_text("フェイスシートの編集")

    # The first saves a new phone number.
    first.locator("#id_phone").fill(FIRST_PHONE)
    first.get_by_role("button", name="保存する").click()
    first.wait_for_url(re.compile(rf"/people/{person.pk}/$"))
    assert "フェイスシートを保存しました。" in first.locator(".messages").inner_text()

    # The second, still on the old version, writes the person's wishes and saves: refused.
    second.locator("#id_wishes").fill(SECOND_WISHES)
    with second.expect_response(lambda r: r.url.endswith("/edit/") and r.request.method == "POST") as response:
        second.get_by_role("button", name="保存する").click()
    assert response.value.status == 409
    notice = second.locator("#stale-edit")
    expect(notice).to_be_visible()
    assert "保存できませんでした。" in notice.inner_text()
    assert FIRST_PHONE in notice.locator(".diff-table").inner_text()
    assert second.locator("#id_wishes").input_value() == SECOND_WISHES  # what they typed is still there
    shot(second, "stale_edit_refused")

    stored = Person.objects.get(pk=person.pk)
    assert stored.phone == FIRST_PHONE and stored.wishes == ""  # the refusal wrote nothing

    # Having seen the other change, the second saves again: both changes are kept.
    second.get_by_role("button", name="保存する").click()
    second.wait_for_url(re.compile(rf"/people/{person.pk}/$"))
    stored.refresh_from_db()
    assert stored.phone == FIRST_PHONE
    assert stored.wishes == SECOND_WISHES
    assert SECOND_WISHES in second.locator("#wishes").inner_text()
    shot(second, "stale_edit_saved_after_review")
