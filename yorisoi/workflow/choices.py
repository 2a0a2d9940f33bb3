"""Choices of the closure checklist, apart from closure.py so that models above (planning) can name them
without importing the services."""

from django.db import models


class ItemKind(models.TextChoices):
    PROCEDURE = "procedure", "手続き"
    FOLLOW_UP = "follow_up", "フォローアップ"
    PLACEMENT = "placement", "居所"
    CONNECTION = "connection", "つなぎ"
    PROTECTION = "protection", "更生緊急保護"


class Handling(models.TextChoices):
    CANCEL = "cancel", "中止する（理由を記録）"
    CARRY_OVER = "carry_over", "終結後も継続する（引き継ぐ）"
