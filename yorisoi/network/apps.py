from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "yorisoi.network"
    verbose_name = "関係機関ネットワーク"

    def ready(self) -> None:
        # Support records, referrals, consultations, procedures and provisions appear in an organization's
        # relationship history and its date of last contact (partners/selectors.py keeps the lists).
        from yorisoi.placements.history import register

        from .relations import CONTACT_DATE_SOURCES, HISTORY_SOURCES

        register(CONTACT_DATE_SOURCES, HISTORY_SOURCES)
