"""The shared page components (templates/components/) render as the pages expect, and no template
still carries one of the variants they replaced."""

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[2]  # the yorisoi package
STYLESHEET = ROOT / "common" / "static" / "yorisoi" / "yorisoi.css"


def _render(source: str, **context) -> str:
    return Template("{% load components %}" + source).render(Context(context))


def test_tabs_mark_only_the_current_tab_and_keep_their_order():
    html = _render(
        '{% tabs "監査のメニュー" current=tab %}'
        '{% tab "audit" "privacy:audit" %}アクセスログ{% endtab %}'
        '{% tab "exports" "reports:exports" %}エクスポート申請{% endtab %}'
        "{% endtabs %}",
        tab="exports",
    )
    assert '<nav class="tabs no-print" aria-label="監査のメニュー">' in html
    assert '<a class="tabs-item" href="/privacy/audit/">アクセスログ</a>' in html
    assert '<a class="tabs-item" href="/reports/exports/" aria-current="page">エクスポート申請</a>' in html
    assert html.count('aria-current="page"') == 1
    assert html.index("アクセスログ") < html.index("エクスポート申請")


def test_a_tab_inside_if_is_shown_only_when_the_condition_holds_and_takes_url_arguments():
    source = ('{% tabs "計画" current="plan" %}{% tab "plan" "planning:plan" pk %}支援計画{% endtab %}'
              '{% if allowed %}{% tab "closure" "planning:closure" pk %}終結{% endtab %}{% endif %}{% endtabs %}')
    assert "終結" not in _render(source, pk=7, allowed=False)
    shown = _render(source, pk=7, allowed=True)
    assert 'href="/planning/case/7/plan/" aria-current="page"' in shown and "終結" in shown


def test_a_tab_label_escapes_variables_but_keeps_its_own_markup():
    html = _render('{% tabs "x" current="" %}{% tab "a" "privacy:audit" %}<span class="badge">{{ n }}</span>'
                   "{% endtab %}{% endtabs %}", n="<b>")
    assert '<span class="badge">&lt;b&gt;</span>' in html
    assert "aria-current" not in html


def test_a_tab_outside_tabs_is_refused():
    with pytest.raises(TemplateSyntaxError):
        _render('{% tab "a" "privacy:audit" %}x{% endtab %}')


def _page(number: int, per_page: int = 10, count: int = 45):
    return Paginator(list(range(count)), per_page).get_page(number)


def _pagination(path: str, **context) -> str:
    request = RequestFactory().get(path)
    return render_to_string("components/_pagination.html", {"request": request, **context})


def test_pagination_says_where_the_reader_is_in_japanese_and_keeps_the_filters():
    html = _pagination("/cases/?phase=intake&mine=&page=2", page=_page(2))
    assert "45件中 11〜20件（2／5ページ）" in html
    assert '<a class="pagination-link" rel="prev" href="/cases/?phase=intake&amp;page=1">前へ</a>' in html
    assert '<a class="pagination-link" rel="next" href="/cases/?phase=intake&amp;page=3">次へ</a>' in html
    assert "hx-get" not in html  # a plain link unless the page asks for htmx


def test_pagination_on_the_first_and_last_page_offers_only_the_way_on():
    first, last = _pagination("/people/", page=_page(1)), _pagination("/people/?page=5", page=_page(5))
    assert "前へ" not in first and 'href="/people/?page=2"' in first
    assert "次へ" not in last and "45件中 41〜45件（5／5ページ）" in last


def test_pagination_is_absent_when_everything_fits_on_one_page():
    assert _pagination("/people/", page=_page(1, count=3)).strip() == ""


def test_pagination_of_a_list_inside_another_page_links_there_with_its_own_parameter():
    html = _pagination("/records/cases/3/add/", page=_page(1), page_param="tpage", page_url="/cases/3/",
                       page_anchor="#timeline", page_label="記録のページ")
    assert 'aria-label="記録のページ"' in html
    assert 'href="/cases/3/?tpage=2#timeline"' in html


def test_pagination_with_an_htmx_target_swaps_it_and_still_has_a_real_link():
    html = _pagination("/partners/?q=みどり", page=_page(1), page_target="#organization-results")
    href = "/partners/?q=%E3%81%BF%E3%81%A9%E3%82%8A&amp;page=2"
    assert f'href="{href}" hx-get="{href}" hx-target="#organization-results"' in html
    assert 'hx-push-url="true"' in html


def test_empty_state_shows_the_message_and_the_action_only_when_given():
    plain = render_to_string("components/_empty_state.html", {"empty_message": "まだ記録はありません。"})
    assert '<p class="empty-state-message">まだ記録はありません。</p>' in plain and "<a" not in plain
    with_action = render_to_string("components/_empty_state.html", {
        "empty_message": "条件に合う機関はありません。", "empty_action_url": "/partners/new/",
        "empty_action_label": "新しく登録する"})
    assert '<a class="empty-state-action" href="/partners/new/">新しく登録する</a>' in with_action


class _Access:
    def __init__(self, health: bool, justice: bool):
        self.can_see_health, self.can_see_justice = health, justice


def test_item_picker_groups_the_checkboxes_and_tells_a_limited_role_why_groups_are_missing():
    from django import forms

    class PickForm(forms.Form):
        items = forms.MultipleChoiceField(choices=[("kana", "フリガナ"), ("phone", "電話番号")],
                                          widget=forms.CheckboxSelectMultiple)

    form = PickForm(data={})
    form.is_valid()
    widgets = list(form["items"])
    context = {"picker_field": form["items"], "picker_groups": [("基本情報", widgets[:1]), ("連絡先", widgets[1:])],
               "picker_legend": "提供する項目", "picker_help": "必要な項目だけを選んでください。"}
    limited = render_to_string("components/_item_picker.html", {**context, "access": _Access(True, False)})
    assert '<fieldset class="item-picker has-error">' in limited
    assert "<legend>基本情報</legend>" in limited and "<legend>連絡先</legend>" in limited
    assert 'value="kana"' in limited and "フリガナ" in limited
    assert "あなたの役割では見られない区分は表示されません。" in limited
    full = render_to_string("components/_item_picker.html", {**context, "access": _Access(True, True)})
    assert "見られない区分" not in full
    assert "支援経過記録" not in full  # no records field given: no second fieldset


# --- no variant left behind -------------------------------------------------------------------------------------

# The classes the components replaced: seven tab bars, the hand-written pagination and item pickers, and the
# badge states that were styled outside the .badge family.
OLD_CLASSES = [
    "partners-subnav", "placements-subnav", "intake-subnav", "planning-tabs", "privacy-tabs", "disclosure-tabs",
    "proc-tabs", "disclosure-item-group", "disclosure-record-list", "proc-status", "proc-protection-active",
    "proc-follow-up-done", "inbox-level", "action-status-", "transfers-status",
]
OLD_DYNAMIC = ["proc-protection-{{", "proc-follow-up-{{", "inbox-kind-{{", "approval-{{ subject",
               "level-{{ entry", "assessment-{{"]
OLD_INCLUDES = ["partners/_pagination.html", "privacy/_pagination.html", "transfers/_styles.html"]


def _templates():
    return [path for path in ROOT.glob("**/templates/**/*.html") if "components" not in path.parts]


def test_no_template_still_uses_a_replaced_variant():
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for name in OLD_CLASSES:
            if re.search(r'class="[^"]*\b' + re.escape(name), text):
                found.append(f"{path.relative_to(ROOT)}: {name}")
        found += [f"{path.relative_to(ROOT)}: {name}" for name in OLD_INCLUDES if name in text]
        if "has_next" in text or re.search(r'class="[^"]*\bpagination\b', text):
            found.append(f"{path.relative_to(ROOT)}: pagination written by hand")
        if re.search(r'class="[^"]*\b[\w-]+-(tabs|subnav)\b', text):
            found.append(f"{path.relative_to(ROOT)}: a tab bar of its own")
        found += [f"{path.relative_to(ROOT)}: {name}" for name in OLD_DYNAMIC
                  if re.search(r'class="badge [^"]*(?<![\w-])' + re.escape(name), text)]
    assert found == []


def test_the_stylesheet_has_no_rules_for_the_replaced_variants_and_there_is_one_stylesheet():
    css = STYLESHEET.read_text(encoding="utf-8")
    for name in OLD_CLASSES:
        assert "." + name not in css, name
    # the screens have one stylesheet; a PDF (WeasyPrint) keeps its own print sheet
    others = [p.name for p in ROOT.glob("*/static/**/*.css") if p != STYLESHEET and "pdf" not in p.name]
    assert others == []


def test_every_badge_state_used_in_a_template_has_a_rule_in_the_stylesheet():
    css = STYLESHEET.read_text(encoding="utf-8")
    defined = set(re.findall(r"\.(badge-[\w\u3040-\u9fff-]+)", css))
    missing = set()
    for path in _templates():
        for attribute in re.findall(r'class="([^"]*\bbadge\b[^"]*)"', path.read_text(encoding="utf-8")):
            for name in re.findall(r"\bbadge-[\w-]+(?:\{\{)?", attribute):
                if name.endswith("{{"):  # a state filled in at render time: at least one of its values is styled
                    if not any(d.startswith(name[:-2]) for d in defined):
                        missing.add(name[:-2] + "…")
                elif name not in defined:
                    missing.add(name)
    assert missing == set()
