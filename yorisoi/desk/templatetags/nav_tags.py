"""What the site navigation and the case header show to whom. The rules of the other apps decide (intake access,
決裁 rights, disclosure rights); these tags only gather their answers for base.html and cases/_case_header.html.
No access-log rows: the page that embeds them logs its own view."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from yorisoi.disclosure.rules import disclosure_access
from yorisoi.intake.selectors import intake_access
from yorisoi.meetings.rules import meeting_access
from yorisoi.office.rules import office_access
from yorisoi.planning import rules as planning_rules
from yorisoi.planning import selectors as planning_selectors
from yorisoi.privacy.policy import RULES
from yorisoi.privacy.policy.areas import medical_access

register = template.Library()


@dataclass(frozen=True)
class SiteNav:
    intake_url: str = ""         # 受付: the phone referral, else the pre-consultations, else consultations
    shows_approvals: bool = False
    approvals_pending: int = 0   # 決裁 waiting for this approver (not their own)
    meetings_url: str = ""       # 会議: the meetings, else (clerks) the morning board
    office_url: str = ""         # センター運営: vehicles, trip logs, devices, files, incidents, staffing
    medical_url: str = ""        # 医療の確認: medication and visits not secured, health checks due (not for clerks)
    shows_outcomes: bool = False  # 成果: the outcomes dashboard (reports app)
    shows_directory: bool = False  # 関係機関, 空き状況 and the header search (not for hosted trainees)


@register.simple_tag(takes_context=True)
def site_nav(context) -> SiteNav:
    """{% site_nav as site %}: the links of the site navigation that depend on the user's rights.
    At most three queries (the 決裁代行 check and the two pending counts, for approvers only)."""
    user = context["request"].user
    if not user.is_authenticated or user.center_id is None:
        return SiteNav()
    ia = intake_access(user)
    if ia.can_take_referral:
        intake_url = reverse("intake:referral")
    elif ia.can_view_pre_consultations:
        intake_url = reverse("intake:preconsultation_list")
    elif ia.can_view_consultations:
        intake_url = reverse("intake:consultation_list")
    else:
        intake_url = ""
    may_approve = planning_rules.may_approve(user)
    ma = meeting_access(user)
    meetings_url = (reverse("meetings:list") if ma.can_read
                    else reverse("meetings:morning") if ma.can_see_board else "")
    return SiteNav(
        meetings_url=meetings_url,
        office_url=reverse("office:index") if office_access(user).can_view else "",
        medical_url=reverse("medical:continuity") if medical_access(user).can_read else "",
        intake_url=intake_url,
        shows_approvals=may_approve or planning_rules.may_write(user),
        approvals_pending=planning_selectors.pending_count(user=user) if may_approve else 0,
        shows_outcomes=RULES["reports.dashboard"].admits(user),
        shows_directory=RULES["directory.view"].admits(user),
    )


@register.simple_tag(takes_context=True)
def page_links(context) -> dict:
    """{% page_links as links %} in the case header and on the person page: which of the other apps' pages to
    link for this user (no query)."""
    user = context["request"].user
    return {"disclosure": user.is_authenticated and disclosure_access(user).can_read,
            "concerns": user.is_authenticated and meeting_access(user).can_read,
            # a hosted trainee reads the case and its records only
            "case_areas": user.is_authenticated and RULES["planning.view"].admits(user)}
