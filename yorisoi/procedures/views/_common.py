"""Shared pieces of the case pages of this app."""

from __future__ import annotations

from django.utils import timezone

from yorisoi.cases import selectors as case_selectors

from .. import selectors

TAB_TITLES = {"procedures": "手続き", "protection": "更生緊急保護", "follow_ups": "フォローアップ"}


def case_context(case, access, *, tab: str, page_title: str = "", **extra) -> dict:
    """The case header, the access object and the tab of this app's sub-navigation."""
    return {**case_selectors.header_context(case=case), "access": access, "nav": "cases", "tab": tab,
            "page_title": page_title or TAB_TITLES.get(tab, ""), **extra}


def side_summary(case, today=None) -> dict:
    """The protection and follow-up summary shown beside the procedures (three queries)."""
    today = today or timezone.localdate()
    protection = selectors.protection_of(case=case)
    return {"protection": protection, "protection_state": selectors.protection_state(protection, today),
            "next_follow_up": selectors.next_follow_up(case=case)}
