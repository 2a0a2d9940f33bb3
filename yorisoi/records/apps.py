from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "yorisoi.records"
    verbose_name = "支援経過記録"

    def ready(self) -> None:
        # Records store the organization their 相手方 names; a new or renamed organization relinks them.
        from yorisoi.partners.services import NAME_CHANGE_HOOKS

        from .services import relink_records_naming

        if relink_records_naming not in NAME_CHANGE_HOOKS:
            NAME_CHANGE_HOOKS.append(relink_records_naming)
