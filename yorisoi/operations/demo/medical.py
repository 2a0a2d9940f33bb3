"""医療連携's demo rows, written through the medical services as the worker in charge would: for the persons of the
first open cases, regular medicines prescribed at the directory's hospitals (some running out within two weeks, one
already out, one whose supply is not known), the next visits (some not booked, some with an escort), health checks
(one overdue, one due this month, one done) and the route for urgent treatment. Fictional persons; the medicines are
common generic names and say nothing about any real person."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable

from yorisoi.cases.models import Case
from yorisoi.medical import services as medical
from yorisoi.medical.models import CheckKind
from yorisoi.partners.models import Organization

MEDICINES = [("アムロジピン錠5mg", "1日1回 朝食後 1錠"), ("メトホルミン塩酸塩錠250mg", "1日2回 朝夕食後 1錠ずつ"),
             ("オランザピン錠5mg", "1日1回 就寝前 1錠"), ("酸化マグネシウム錠330mg", "1日3回 毎食後 1錠ずつ"),
             ("ドネペジル塩酸塩錠5mg", "1日1回 朝食後 1錠"), ("ロスバスタチン錠2.5mg", "1日1回 夕食後 1錠")]
PERSONS = 8  # persons described: enough for every row of the list, cheap for `make run`


def describe_medical(*, cases: Iterable[Case], hospitals: list[Organization], today: dt.date, seed: int,
                     step: Callable, fallback_actor) -> None:
    if not hospitals:
        return
    rng = random.Random(seed * 7919 + 6)
    partners = [h for h in hospitals if h.is_medical_partner] or hospitals
    emergency = next((h for h in hospitals if h.accepts_emergencies), partners[0])
    open_cases = sorted((c for c in cases if c.is_open), key=lambda c: c.pk)[:PERSONS]
    for n, case in enumerate(open_cases):
        actor = case.main_staff if case.main_staff is not None and case.main_staff.is_active else fallback_actor
        person = case.person
        if actor is None or person.medications.exists():
            continue  # described by an earlier seeding
        clinic = partners[n % len(partners)]
        for name, dosage in rng.sample(MEDICINES, k=1 + n % 2):
            prescribed = today - dt.timedelta(days=(30, 0, 20, 5, 25, 12, 2, 27)[n % 8])
            step("常用薬", medical.add_medication, actor=actor, person=person, name=name, dosage=dosage,
                 organization=clinic, organization_name="", prescribed_on=prescribed if n != 1 else None,
                 days_supplied=28 if n != 1 else None, supply_until=None, ended_on=None,
                 note="お薬手帳は本人が持参。" if n % 3 == 0 else "")
        if n % 3 != 1:  # a third of them: no visit booked (on the list)
            step("受診予定", medical.add_appointment, actor=actor, person=person,
                 on=today + dt.timedelta(days=(3, 0, 9, 16, 6, 21, 4, 11)[n % 8]), at=dt.time(9 + n % 5, 30),
                 organization=clinic, organization_name="", purpose="定期受診と処方",
                 accompaniment_needed=n % 2 == 0, status="planned", note="")
        step("受診の記録", medical.add_appointment, actor=actor, person=person, on=today - dt.timedelta(days=28),
             at=dt.time(10, 0), organization=clinic, organization_name="", purpose="定期受診と処方",
             accompaniment_needed=False, status="done", note="")
        check_due = today + dt.timedelta(days=(-10, 20, 120, 45, 12, 200, -3, 60)[n % 8])
        step("健診", medical.add_health_check, actor=actor, person=person,
             kind=(CheckKind.SPECIFIC, CheckKind.CANCER, CheckKind.DENTAL)[n % 3], due_on=check_due,
             done_on=today - dt.timedelta(days=5) if n == 3 else None,
             organization=clinic if n % 3 != 2 else None,
             organization_name="" if n % 3 != 2 else "市の集団健診会場", result_note="異常なし。" if n == 3 else "")
        step("緊急時の受診先", medical.add_urgent_route, actor=actor, person=person, organization=emergency,
             organization_name="", when="夜間・休日", phone="",
             note="保険証・受給者証は居室の引き出し。お薬手帳を持参。")
