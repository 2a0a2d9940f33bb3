"""The OpenAPI description (drf-spectacular): every operation documents its error answers (one JSON shape), and a
list documents its filters from the same QueryForm that reads them."""

from __future__ import annotations

from django import forms
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from yorisoi.common.forms import MAX_ID, QueryDateField, QueryFlagField, QueryIdField, QueryNumberField, QueryTextField

from .serializers import ErrorSerializer

_ACTIONS = {"list": "一覧", "retrieve": "1件", "create": "登録", "update": "更新（全項目）",
            "partial_update": "更新（送った項目だけ）", "get": ""}

_ERRORS = {
    "400": "入力・検索条件を読み取れない（日本語のメッセージ）",
    "401": "トークンがない、または無効",
    "403": "この役割には許されていない操作",
    "404": "存在しない、または他のセンターの記録",
    "429": "短い時間に多すぎるリクエスト",
}


def _parameter(name: str, field: forms.Field) -> OpenApiParameter:
    description = str(field.label or name)
    if isinstance(field, QueryFlagField):
        return OpenApiParameter(name, str, enum=["", "1"], description=f"{description}（1 で指定）")
    if isinstance(field, QueryIdField | QueryNumberField):
        return OpenApiParameter(name, {"type": "integer", "minimum": field.min_value, "maximum": field.max_value},
                                description=description)
    if isinstance(field, QueryDateField):
        return OpenApiParameter(name, OpenApiTypes.DATE, description=f"{description}（YYYY-MM-DD）")
    if isinstance(field, forms.ChoiceField):
        return OpenApiParameter(name, str, enum=[value for value, _ in field.choices],
                                description=description)
    if isinstance(field, QueryTextField):
        return OpenApiParameter(name, {"type": "string", "maxLength": field.max_length}, description=description)
    return OpenApiParameter(name, str, description=description)


class PolicyAutoSchema(AutoSchema):
    def get_description(self):
        label = getattr(self.view, "doc_label", "")
        action = _ACTIONS.get(getattr(self.view, "action", None) or self.method.lower(), "")
        rules = getattr(self.view, "rules", {})
        rule = rules.get(getattr(self.view, "action", None) or self.method.lower()) or rules.get("*", "")
        return f"{label}{'：' + action if action else ''}（規則 {rule}）" if label else super().get_description()

    def get_override_parameters(self):
        action = getattr(self.view, "action", None)
        if action in ("retrieve", "update", "partial_update"):
            # the URL's <int:pk> takes digits only: a negative id is no URL of the API at all
            return [OpenApiParameter("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                     OpenApiParameter.PATH, description="id")]
        query_class = getattr(self.view, "query_class", None)
        if query_class is None or action != "list":
            return super().get_override_parameters()
        return [_parameter(name, field) for name, field in query_class.base_fields.items()]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = dict(_ERRORS)
        if self.method in ("PUT", "PATCH"):
            codes["409"] = "版（version）が古い：ほかの人が先に保存した"
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "yorisoi.api.authentication.HashedTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "「APIトークン」のページで発行したトークン（Authorization: Bearer ys_…）"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "yorisoi.api.authentication.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "画面にログイン（二段階認証まで）したブラウザ：読むことだけ"}
