"""Every error of the API as one JSON shape, in Japanese: {"detail": "…", "code": "…", "errors": {field: [...]}}.

A stale version is 409 (like the pages), a service's validation error 400 with the fields it named, another
center's object 404 exactly as a missing one, a page that needs break-the-glass 403 (the reason is given on the
page, not through the API)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from yorisoi.common.concurrency import StaleEditError
from yorisoi.people.services import SameNameError
from yorisoi.privacy.policy import BreakGlassRequired

STALE_MESSAGE = ("ほかの人が先にこの記録を保存しました（版が古くなっています）。"
                 "最新の内容を読み直し、その版（version）を付けてもう一度送ってください。")
INVALID_MESSAGE = "入力内容を確認してください。"
BREAK_GLASS_MESSAGE = ("この記録は担当ではないため、APIからは開けません。"
                       "必要なときは画面から緊急閲覧の理由を記入してください。")


class BadQuery(exceptions.APIException):
    """A query parameter that cannot be read (QueryForm's Japanese message per parameter)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_query"

    def __init__(self, errors: dict):
        super().__init__("検索条件を読み取れませんでした。")
        self.errors = errors


def _messages(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def handle(exc, context):
    if isinstance(exc, StaleEditError):
        return Response({"detail": STALE_MESSAGE, "code": "stale_version",
                         "current_version": exc.current.version}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, SameNameError):
        return Response({"detail": str(exc.message), "code": "same_name",
                         "same_name_candidates": [c.pk for c in exc.candidates]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError):
        return Response({"detail": INVALID_MESSAGE, "code": "invalid", "errors": _messages(exc)},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BreakGlassRequired):
        return Response({"detail": BREAK_GLASS_MESSAGE, "code": "break_glass_required"},
                        status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, BadQuery):
        return Response({"detail": str(exc.detail), "code": "bad_query", "errors": exc.errors},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("見つかりません（存在しないか、見る権限がありません）。")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("この操作をする権限がありません。")
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": INVALID_MESSAGE, "code": "invalid", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        code = getattr(data["detail"], "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(data["detail"]), "code": str(code)}
    return response
