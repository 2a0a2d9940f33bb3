"""The configurable parts of this app, read from settings with their defaults here.

YORISOI_DISCLOSURE_RETENTION_YEARS        3   provision and receipt records are kept at least this long (法29条・30条)
YORISOI_AGREEMENT_WARNING_DAYS            60  a sharing agreement ending within this many days is warned about
YORISOI_DISCLOSURE_ATTACHMENT_MAX_MB      10  the largest scanned consent form or agreement document
YORISOI_DISCLOSURE_PUBLIC_BODY_KINDS      codes of partner kinds that are 国の機関・地方公共団体 (法16条2項各号):
                                              a provision to them needs no statutory record (recorded anyway, flagged)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_PUBLIC_BODY_KINDS = (
    "prosecutors_office", "probation_office", "police", "correctional_facility", "prefecture", "municipality",
    "health_center", "hello_work",
)


def retention_years() -> int:
    return int(getattr(settings, "YORISOI_DISCLOSURE_RETENTION_YEARS", 3))


def agreement_warning_days() -> int:
    return int(getattr(settings, "YORISOI_AGREEMENT_WARNING_DAYS", 60))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "YORISOI_DISCLOSURE_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def public_body_kind_codes() -> frozenset[str]:
    return frozenset(getattr(settings, "YORISOI_DISCLOSURE_PUBLIC_BODY_KINDS", DEFAULT_PUBLIC_BODY_KINDS))


def japanese_font_path() -> Path:
    """IPAexGothic as shipped inside the matplotlib-fontja package (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured("matplotlib-fontja がインストールされていません（PDF の日本語フォント）。")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise ImproperlyConfigured("matplotlib-fontja に IPAexGothic（fonts/ipaexg.ttf）が見つかりません。")
    return path
