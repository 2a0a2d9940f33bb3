"""Pages of placements, inquiries, service connections, vacancies and the network map."""

from .case_pages import (
    case_section,
    connection_create,
    connection_edit,
    connection_no_sharing,
    connection_status,
    inquiry_create,
    inquiry_edit,
    inquiry_no_sharing,
    placement_create,
    placement_edit,
    placement_exit,
)
from .network_pages import organization_page, refusal_summary, vacancy_report, vacancy_search

__all__ = [
    "case_section", "connection_create", "connection_edit", "connection_no_sharing", "connection_status",
    "inquiry_create", "inquiry_edit", "inquiry_no_sharing",
    "organization_page", "placement_create", "placement_edit", "placement_exit", "refusal_summary",
    "vacancy_report", "vacancy_search",
]
