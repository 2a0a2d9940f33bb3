"""Issue 10's 出口支援 scenario in a real browser: a 36-year-old with 療育手帳 B whose 住民票 was deleted
(職権消除). Opening his case goes on to the procedures proposed for him, each with its reason: 障害支援区分 and
the recovery of the 住民票 first, not 要介護認定; the worker confirms and the procedures page lists them."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from e2e.helpers import shot
from yorisoi.people.tests.factories import CertificateFactory, PersonFactory
from yorisoi.procedures.models import CaseProcedure, ProcedureStatus

pytestmark = pytest.mark.e2e


def test_a_36_year_old_with_a_rehabilitation_certificate_gets_fitting_procedures(logged_in, worker, center):
    today = timezone.localdate()
    person = PersonFactory(center=center, family_name="架空", given_name="五郎", sex="male",
                           birth_date=today.replace(year=today.year - 36) - dt.timedelta(days=30),
                           registration_status="deleted", registration_municipality="架空市")
    CertificateFactory(person=person, kind="intellectual", grade="B")
    page = logged_in(worker)

    page.goto(f"/cases/new/?person={person.pk}")
    page.get_by_label("支援の種別").select_option(value="exit")
    page.get_by_label("依頼元の種別").select_option(value="probation")
    page.get_by_label("釈放予定日").fill((today + dt.timedelta(days=20)).isoformat())
    page.get_by_role("button", name=re.compile("開始")).click()
    page.wait_for_url(re.compile(r"/procedures/case/\d+/propose/$"))

    fits = page.locator("fieldset.proposal-fits")
    unfit = page.locator("fieldset.proposal-unfit")
    assert "36歳" in page.locator(".proposal-facts").inner_text()
    assert "療育手帳 B" in page.locator(".proposal-facts").inner_text()
    assert "障害支援区分認定調査" in fits.inner_text()
    assert "住民票の回復（職権消除・不明：前住所地と先に調整）" in fits.inner_text()
    assert "要介護認定" in unfit.inner_text() and "65歳未満（36歳）" in unfit.inner_text()
    assert page.locator("fieldset.proposal-fits input[type=checkbox]:not(:checked)").count() == 0
    assert page.locator("fieldset.proposal-unfit input[type=checkbox]:checked").count() == 0
    shot(page, "procedure_proposal")

    page.get_by_role("button", name="この内容で確定").click()
    page.wait_for_url(re.compile(r"/procedures/case/\d+/$"))
    listed = page.locator("#procedures").inner_text()
    assert "障害支援区分認定調査" in listed and "要介護認定" not in listed
    assert "手続きの提案を確認する" not in page.content()
    titles = set(CaseProcedure.objects.filter(case__person=person).exclude(status=ProcedureStatus.CANCELLED)
                 .values_list("title", flat=True))
    assert "要介護認定" not in titles and "住民票の回復" not in titles
