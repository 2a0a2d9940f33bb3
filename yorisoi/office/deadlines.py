"""When a leak (漏えい等) must be reported to the 個人情報保護委員会 (個人情報保護法26条, 施行規則7条・8条),
and by when.

A report is needed when the data of even one person includes 要配慮個人情報 (施行規則7条1号: a center's records hold
criminal histories, disabilities and illnesses), when it may have been done with an unlawful purpose (3号: theft,
unauthorised access), or when more than 1,000 persons are concerned (4号).

速報 (施行規則8条1項): 「速やかに」, which the Commission's guidelines read as about 3 to 5 days from the day the center
knew of it; the page shows the range and reminds on the fifth day. 確報 (8条2項): within 30 days, 60 days for an
unlawful purpose (3号). Days are counted from the day after the center knew of it (初日不算入, 民法140条), so the
deadline of 30 days for a leak known on 4月1日 is 5月1日.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yorisoi.common import dates

PRELIMINARY_FROM_DAYS = 3
PRELIMINARY_DAYS = 5
FINAL_DAYS = 30
FINAL_DAYS_MALICIOUS = 60
MANY_PERSONS = 1000


@dataclass(frozen=True)
class Deadlines:
    needed: bool
    reasons: tuple[str, ...]
    known_on: dt.date
    preliminary_from: dt.date
    preliminary_due: dt.date
    final_due: dt.date
    final_days: int


def report_reasons(*, affected: int, sensitive: bool, malicious: bool) -> tuple[str, ...]:
    reasons = []
    if sensitive and affected > 0:
        reasons.append("要配慮個人情報を含む（1人でも報告の対象）")
    if malicious:
        reasons.append("不正の目的によるおそれがある")
    if affected > MANY_PERSONS:
        reasons.append(f"{MANY_PERSONS:,}人を超える")
    return tuple(reasons)


def deadlines(*, known_on: dt.date, affected: int, sensitive: bool, malicious: bool) -> Deadlines:
    reasons = report_reasons(affected=affected, sensitive=sensitive, malicious=malicious)
    final_days = FINAL_DAYS_MALICIOUS if malicious else FINAL_DAYS
    return Deadlines(needed=bool(reasons), reasons=reasons, known_on=known_on,
                     preliminary_from=dates.add_days(known_on, PRELIMINARY_FROM_DAYS),
                     preliminary_due=dates.add_days(known_on, PRELIMINARY_DAYS),
                     final_due=dates.add_days(known_on, final_days), final_days=final_days)
