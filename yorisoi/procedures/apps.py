from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "yorisoi.procedures"
    verbose_name = "手続き・更生緊急保護・フォローアップ"
