"""Screens of the privacy app (one module per area)."""

from .audit import (
    audit,
    break_glass,
    break_glass_list,
    break_glass_page,
    deleted_list,
    person_access,
    restore,
    soft_delete,
)
from .exports import export_create, export_decide, export_detail, export_download, export_list
from .retention import retention

__all__ = ["audit", "break_glass", "break_glass_list", "break_glass_page", "deleted_list", "export_create",
           "export_decide", "export_detail", "export_download", "export_list", "person_access", "restore",
           "retention", "soft_delete"]
