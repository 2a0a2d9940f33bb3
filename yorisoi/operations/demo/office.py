"""センター運営's demo rows, written through the office services as the director, a clerk and a worker would: the
center profile and a staffing table (常勤5名うち事務職員1名、非常勤1名, with qualifications), two vehicles (one whose
車検 falls due next month), a month of trips with alcohol checks (one serving an accompaniment), a near miss, phones and
PCs, paper files (one checked out), a week of lock checks, and a lost phone with its wipe and report deadlines."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from functools import partial

from django.utils import timezone

from yorisoi.accounts.models import Role, Staff
from yorisoi.cases.models import Case
from yorisoi.office import services as office
from yorisoi.office.models import DeviceKind, EmploymentType, IncidentKind, Job, QualificationKind, StaffMember
from yorisoi.records.models import Activity, ActivityKind

STAFF_TABLE = [  # name, job, employment, weekly hours, qualifications
    ("center_head", Job.HEAD, EmploymentType.FULL_TIME, 38.75, [QualificationKind.SOCIAL_WORKER]),
    ("counselor", Job.COUNSELOR, EmploymentType.FULL_TIME, 38.75,
     [QualificationKind.SOCIAL_WORKER, QualificationKind.PSYCHIATRIC_SOCIAL_WORKER]),
    ("counselor", Job.COUNSELOR, EmploymentType.FULL_TIME, 38.75, [QualificationKind.CARE_MANAGER]),
    ("counselor", Job.COUNSELOR, EmploymentType.FULL_TIME, 38.75, [QualificationKind.PSYCHIATRIC_SOCIAL_WORKER]),
    ("clerk", Job.CLERK, EmploymentType.FULL_TIME, 38.75, []),
    ("part", Job.COUNSELOR, EmploymentType.PART_TIME, 20, [QualificationKind.SOCIAL_WORKER]),
    ("board", Job.BOARD, EmploymentType.PART_TIME, None, []),
]
FICTIONAL_NAMES = ["架空 一郎", "架空 花子", "架空 次郎", "架空 三奈", "架空 事務子", "架空 非常勤", "架空 理事"]


def describe_office(*, center, today: dt.date, seed: int, step: Callable) -> None:
    if StaffMember.objects.filter(center=center).exists():
        return  # described by an earlier seeding: the staffing table is the center's once
    rng = random.Random(seed * 7919 + 14)
    staff = list(Staff.objects.filter(center=center, is_active=True).order_by("username"))
    director = next((s for s in staff if s.role == Role.DIRECTOR), None)
    clerk = next((s for s in staff if s.role == Role.CLERK), None) or director
    workers = [s for s in staff if s.role == Role.WORKER] or [director]
    if director is None:
        return
    step("センター概要", office.save_center_profile, actor=director, operating_body="社会福祉法人 架空福祉会",
         representative="理事長 架空 太郎", contract_title="地域生活定着促進事業 委託契約",
         contract_with=f"{center.prefecture}福祉部", contract_from=dt.date(today.year if today.month >= 4
                                                                         else today.year - 1, 4, 1),
         contract_to=dt.date(today.year + 1 if today.month >= 4 else today.year, 3, 31), postal_code="330-0000",
         address=f"{center.prefecture}架空市中央1-2-3 架空ビル2階", phone=center.phone or "048-000-0000",
         fax="048-000-0001", office_hours="平日 8:30〜17:15", note="")
    accounts = [director, *([*workers[:3], None, None, None][:3]), clerk, None, None]
    for n, ((_, job, employment, hours, qualifications), name) in enumerate(zip(STAFF_TABLE, FICTIONAL_NAMES,
                                                                                strict=True)):
        account = accounts[n] if n < len(accounts) else None
        if account is not None and any(a is account for a in accounts[:n]):
            account = None
        member = step("職員体制", office.add_staff_member, actor=clerk, account=account,
                      name=str(account) if account is not None else name, name_kana="", job=job,
                      employment_type=employment, weekly_hours=hours,
                      started_on=dt.date(2018 + n % 5, 4, 1), ended_on=None, note="")
        for q in qualifications if member is not None else []:
            step("資格", office.add_qualification, actor=clerk, member=member, kind=q,
                 registration_number=f"{rng.randint(10000, 99999)}", registered_on=dt.date(2010 + n, 3, 15))

    first = step("車両", office.register_vehicle, actor=clerk, name="1号車（白の軽自動車）",
                 registration_number="架空 580 あ 12-34", model_name="軽自動車", business_use=True,
                 inspection_due=today + dt.timedelta(days=40), periodic_check_due=today + dt.timedelta(days=95),
                 insurance_company="架空損害保険", insurance_policy_number="A-0001", insurance_until=today +
                 dt.timedelta(days=200), retired_on=None, note="")
    second = step("車両", office.register_vehicle, actor=clerk, name="2号車（ワゴン）",
                  registration_number="架空 500 さ 56-78", model_name="ワゴン", business_use=True,
                  inspection_due=today + dt.timedelta(days=400), periodic_check_due=today + dt.timedelta(days=20),
                  insurance_company="架空損害保険", insurance_policy_number="A-0002",
                  insurance_until=today + dt.timedelta(days=200), retired_on=None, note="")
    if first is not None:
        step("点検", office.record_vehicle_check, actor=clerk, vehicle=first, kind="periodic",
             done_on=today - dt.timedelta(days=270), next_due=today + dt.timedelta(days=95), done_by="架空整備工場",
             result="12か月点検。異常なし。")
    accompaniments = list(Activity.objects.filter(center=center, kind=ActivityKind.ACCOMPANY, deleted_at__isnull=True,
                                                  author__in=workers).select_related("case", "author")
                          .order_by("-occurred_at")[:3])
    odometer = {first: 12000, second: 30500}
    destinations = ["架空市福祉事務所", "架空保護観察所", "架空病院", "架空相談支援事業所", "架空刑務所"]
    for n in range(12):
        vehicle = first if n % 3 else second
        if vehicle is None:
            continue
        day = today - dt.timedelta(days=28 - 2 * n)
        driver = workers[n % len(workers)]
        activity = next((a for a in accompaniments if a.author_id == driver.pk
                         and timezone.localtime(a.occurred_at).date() <= day), None) if n == 11 else None
        distance = rng.randint(8, 45)
        trip = step("運行", office.record_trip, actor=driver, vehicle=vehicle, driver=driver, date=day,
                    departed_at=dt.time(9 + n % 5, 0), returned_at=dt.time(11 + n % 5, 30),
                    purpose="同行支援" if activity else rng.choice(["面接", "関係機関との打合せ", "訪問"]),
                    destination=rng.choice(destinations), odometer_start=odometer[vehicle],
                    odometer_end=odometer[vehicle] + distance, pre_check_result="none",
                    pre_check_method="detector_face", pre_checker=director, post_check_result="none",
                    post_check_method="detector_face", post_checker=director, activity=activity)
        if trip is not None:
            odometer[vehicle] += distance + rng.randint(0, 3)
    if first is not None:
        step("ヒヤリハット", office.report_vehicle_event, actor=workers[0], vehicle=first, kind="near_miss",
             occurred_at=timezone.now() - dt.timedelta(days=10), place="架空市役所前の交差点",
             description="右折時に横断歩道の自転車に気づくのが遅れた（架空）。")

    phones = []
    for n, holder in enumerate([director, *workers[:3]]):
        # `label` is also step()'s first parameter: the device's own label goes in through partial
        phone = step("端末", partial(office.register_device, label=f"携帯{n + 1}号"), actor=clerk,
                     kind=DeviceKind.PHONE, model_name="スマートフォン", holder=holder, screen_lock=True,
                     encrypted=True, remote_wipe=True, retired_on=None, note="")
        phones.append(phone)
    step("端末", partial(office.register_device, label="PC-01"), actor=clerk, kind=DeviceKind.PC, model_name="ノートPC",
         holder=clerk, screen_lock=True, encrypted=True, remote_wipe=False, retired_on=None, note="")
    step("端末", partial(office.register_device, label="USB-01（暗号化）"), actor=clerk, kind=DeviceKind.STORAGE,
         model_name="", holder=None, screen_lock=False, encrypted=True, remote_wipe=False, retired_on=None,
         note="会議資料の持ち運び専用。個人情報は保存しない。")

    cases = list(Case.objects.filter(center=center, deleted_at__isnull=True).select_related("person")
                 .order_by("id")[:5])
    for n, case in enumerate(cases):
        paper_file = step("紙ファイル", partial(office.register_paper_file, label=f"ケース {case.number}"),
                          actor=clerk, person=case.person, cabinet=f"相談室 書庫A-{n % 3 + 1}段")
        if paper_file is not None and n == 0 and case.main_staff is not None:
            step("持ち出し", office.check_out_file, actor=case.main_staff, paper_file=paper_file,
                 purpose="関係機関との会議に持参")
    for n in range(1, 8):
        step("施錠点検", office.record_office_check, actor=workers[n % len(workers)],
             date=today - dt.timedelta(days=n), office_locked=True, cabinets_locked=True, pcs_stored=n != 3,
             no_media_left=True, note="PC-01が机上に残っていたため保管した。" if n == 3 else "")

    phone = phones[1] if len(phones) > 1 else None
    if phone is not None:
        known = timezone.now() - dt.timedelta(days=2)
        incident = step("インシデント", office.report_incident, actor=phone.holder, kind=IncidentKind.LOST_DEVICE,
                        discovered_at=known, occurred_at=known - dt.timedelta(hours=3),
                        description="訪問の帰りに業務用の携帯電話を紛失した（架空）。警察に遺失届を出した。",
                        device=phone)
        if incident is not None:
            step("遠隔消去", office.record_wipe, actor=director, incident=incident,
                 requested_at=known + dt.timedelta(minutes=20), done_at=known + dt.timedelta(minutes=40),
                 confirmed=True)
