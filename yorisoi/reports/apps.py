from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yorisoi.reports"
    verbose_name = "報告・出力"

    def ready(self) -> None:
        from yorisoi.common import nightly

        from .exports.building import remove_stale_files_job

        nightly.register(nightly.NightlyJob("remove_export_files", "期限を過ぎたエクスポートファイルの削除",
                                            remove_stale_files_job))
