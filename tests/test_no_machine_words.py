"""No machine words on a page a user sees.

Every page of the authorization matrix is rendered as the director and as the worker in charge (the two roles that
see most) and its visible text (text nodes, placeholders, labels read aloud, titles) is searched for words meant for
programs: model names, `manage.py`, Django's empty choice 「---------」, snake_case identifiers, raw ids (`ID=71`) and
the English codes of access-log sections. A hit names the page, the word and the text around it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse

from conftest import verified_client
from tests.test_authorization_matrix import MATRIX, ROUTES, World
from yorisoi.privacy.log_labels import DETAIL_WORDS, SECTION_LABELS

pytestmark = pytest.mark.django_db

# Attributes whose value is shown or read aloud.
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden_depth += 1
            return
        values = dict(attrs)
        self.parts.extend(values[name] for name in SHOWN_ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("yorisoi.")]


def _english_codes() -> set[str]:
    """Single English words that are codes, never words for people: access-log sections and model names."""
    codes = set(SECTION_LABELS) | set(DETAIL_WORDS) | {"certificates", "certificate"}
    codes |= {m._meta.model_name for m in _project_models()}
    return {c for c in codes if "_" not in c and c not in {"pdf", "csv", "xlsx"}}


# Where machine-looking text is right: e-mail addresses, web addresses and file names.
_ALLOWED = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:pdf|csv|xlsx|png|jpe?g|ics|txt)\b", re.IGNORECASE)


def machine_words(text: str) -> list[str]:
    text = _ALLOWED.sub(" ", text)
    models = "|".join(sorted({m.__name__ for m in _project_models()}, key=len, reverse=True))
    codes = "|".join(sorted(_english_codes(), key=len, reverse=True))
    patterns = [
        ("コマンド", re.compile(r"manage\.py|\b(?:anonymise_expired|purge_deleted|audit_verify)\b|--[a-z][a-z-]+")),
        ("空の選択肢", re.compile(r"-{5,}")),
        ("snake_case", re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")),
        ("生のID", re.compile(r"(?<![A-Za-z])(?:ID|id|pk|PK)\s*[=:：]\s*\d+")),
        ("モデル名", re.compile(rf"(?<![A-Za-z])(?:{models})(?![A-Za-z])")),
        ("英語のコード", re.compile(rf"(?<![A-Za-z0-9_.-])(?:{codes})(?![A-Za-z0-9_-])")),
    ]
    found = []
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 30): match.end() + 30].replace("\n", " ")
            found.append(f"{kind}「{match.group()}」 …{around}…")
    return found


def test_the_scan_catches_the_words_it_is_for():
    assert machine_words("操作：history") and machine_words("提供先ID=71") and machine_words("---------")
    assert machine_words("manage.py anonymise_expired --dry-run") and machine_words("区分 certificates")
    assert machine_words("purge_deleted を実行") and machine_words("CaseProcedure #1")
    assert not machine_words("令和8年12月7日 13:05 佐藤 健一 PDF を表示 mail@example.jp 同意書.pdf")


@pytest.mark.parametrize("role", ["director", "worker"])
def test_no_page_of_the_matrix_shows_a_machine_word(role, center, director, worker, colleague):
    world = World(center, worker, director)
    client = verified_client({"director": director, "worker": worker}[role])
    names = sorted(n for n in MATRIX if n in {r.name for r in ROUTES})
    problems = []
    try:
        for name in names:
            row = MATRIX[name]
            if row.statuses[role] != 200:
                continue
            url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
            if row.query:
                url += "?" + row.query(world)
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            problems += [f"{name} ({url}): {word}" for word in machine_words(visible_text(response.content.decode()))]
    finally:
        for stored in world.files:
            stored.storage.delete(stored.name)
    assert not problems, "Machine words on pages users see:\n  " + "\n  ".join(problems)
