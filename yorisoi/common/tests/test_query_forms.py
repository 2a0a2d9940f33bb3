"""The query parameters of list pages (common.forms): a page number and a check box of a filter read through a
QueryForm, a bad value named in a Japanese message and left out, never a 500 and never read as something else."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from yorisoi.common.forms import QueryFlagField, QueryForm, page_of


def _request(query: dict):
    request = RequestFactory().get("/list/", query)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


@pytest.mark.parametrize("value", ["abc", "0", "-1", str(2**63), "\x00", "9" * 40])
def test_a_page_number_that_cannot_be_read_shows_the_first_page_and_says_so(value):
    request = _request({"page": value})
    page = page_of(request, list(range(120)), 50)
    assert page.number == 1
    assert _said(request) == ["条件の一部を読み取れなかったため、その条件を外して表示しています："
                              "ページの指定を読み取れませんでした。"]


def test_a_page_past_the_last_shows_the_last_page_and_a_good_one_says_nothing():
    request = _request({"page": "99"})
    assert page_of(request, list(range(120)), 50).number == 3 and not _said(request)
    request = _request({"tpage": "2"})
    assert page_of(request, list(range(120)), 50, param="tpage").number == 2 and not _said(request)


class _Filter(QueryForm):
    mine = QueryFlagField(label="自分の担当のみ")


@pytest.mark.parametrize(("value", "mine", "problems"), [
    ("1", True, []), ("", False, []), ("0", False, ["自分の担当のみの指定を読み取れませんでした。"]),
    ("yes", False, ["自分の担当のみの指定を読み取れませんでした。"]),
])
def test_a_filter_check_box_is_1_or_nothing(value, mine, problems):
    form = _Filter({"mine": value})
    assert form.values["mine"] is mine and form.problems == problems
