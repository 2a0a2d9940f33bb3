"""Pages of 50 (page_size up to 200), the page and its size read through a QueryForm: a value that cannot be
read is a 400 with a Japanese message, a page past the last one a 404."""

from __future__ import annotations

from django.core.paginator import InvalidPage
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from yorisoi.common.forms import MAX_PAGE, QueryForm, QueryNumberField

from .errors import BadQuery

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageQuery(QueryForm):
    page = QueryNumberField(label="ページ", min_value=1, max_value=MAX_PAGE)
    page_size = QueryNumberField(label="1ページの件数", min_value=1, max_value=MAX_PAGE_SIZE)


class ApiPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        form = PageQuery(request.query_params)
        if form.problems:
            raise BadQuery({name: [str(m) for m in messages] for name, messages in form.errors.items()})
        values = form.values
        self.request = request
        paginator = self.django_paginator_class(queryset, values["page_size"] or self.page_size)
        try:
            self.page = paginator.page(values["page"] or 1)
        except InvalidPage:
            raise exceptions.NotFound("このページはありません（最後のページより後です）。") from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "page", "required": False, "in": "query", "description": "ページ（1から）",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
            {"name": "page_size", "required": False, "in": "query",
             "description": f"1ページの件数（既定{PAGE_SIZE}、最大{MAX_PAGE_SIZE}）",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
        ]
