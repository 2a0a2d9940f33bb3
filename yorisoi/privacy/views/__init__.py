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

__all__ = ["audit", "break_glass", "break_glass_list", "break_glass_page", "deleted_list", "person_access", "restore",
           "soft_delete"]
