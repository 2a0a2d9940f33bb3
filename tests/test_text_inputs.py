"""Project rule: every text input passes through the one text cleaner (yorisoi.common.text). The walk fails on a
model text field or a form text field that bypasses it, on free text without a finite maximum length, and on a
module that declares a plain Django text field (a field added in a form's __init__ is found that way)."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db import models

import yorisoi
from yorisoi.common.text import CleanFormCharField, CleanTextMixin

ROOT = Path(__file__).resolve().parent.parent / "yorisoi"

# simple_history's own columns: the change reason is written by services from cleaned form input, the type is a
# one-letter code. Django's password column holds a hash.
NOT_TYPED = {"history_change_reason", "history_type", "password"}
# These validate their whole value with a pattern that no control character passes.
SELF_VALIDATING = (models.EmailField, models.SlugField, models.URLField)
FORM_SELF_VALIDATING = (forms.EmailField, forms.SlugField, forms.URLField)


def _yorisoi_models():
    return [m for m in apps.get_models(include_auto_created=True) if m.__module__.startswith("yorisoi.")]


def _typed_text_fields(model):
    """The model's text columns that hold what someone typed. simple_history keeps a file's stored name in a text
    column of the history table: a name the upload code chose, not typed text."""
    original = getattr(model, "instance_type", None)
    for field in model._meta.get_fields():
        if not isinstance(field, models.CharField | models.TextField) or field.name in NOT_TYPED:
            continue
        if original is not None and isinstance(_field_or_none(original, field.name), models.FileField):
            continue
        yield field


def _field_or_none(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _import_every_module():
    for info in pkgutil.walk_packages(yorisoi.__path__, "yorisoi."):
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _yorisoi_forms():
    _import_every_module()
    return sorted({f for f in _subclasses(forms.BaseForm)
                   if f.__module__.startswith("yorisoi.") and ".tests" not in f.__module__},
                  key=lambda f: f"{f.__module__}.{f.__qualname__}")


def _form_bypasses(field: forms.Field) -> bool:
    if not isinstance(field, forms.CharField) or isinstance(field, (CleanFormCharField, *FORM_SELF_VALIDATING)):
        return False
    return not isinstance(field.widget, forms.PasswordInput)  # a password is hashed, never stored or shown


def test_every_model_text_field_is_cleaned():
    bypassing = [f"{m._meta.label}.{f.name}" for m in _yorisoi_models() for f in _typed_text_fields(m)
                 if not isinstance(f, (CleanTextMixin, *SELF_VALIDATING))]
    assert bypassing == [], "text fields without the cleaner (use CleanCharField / CleanTextField): " + \
        ", ".join(bypassing)


def test_every_free_text_field_has_a_finite_maximum_length():
    free_text = [(m, f) for m in _yorisoi_models() for f in _typed_text_fields(m) if isinstance(f, models.TextField)]
    assert len(free_text) > 50
    unbounded = [f"{m._meta.label}.{f.name}" for m, f in free_text
                 if not f.max_length or not any(getattr(v, "limit_value", None) == f.max_length for v in f.validators)]
    assert unbounded == [], "free text without a checked max_length: " + ", ".join(unbounded)


def test_every_form_text_field_is_cleaned():
    found = _yorisoi_forms()
    assert len(found) > 50  # the walk really found the apps' forms
    bypassing = [f"{form.__module__}.{form.__qualname__}.{name}" for form in found
                 for name, field in form.base_fields.items() if _form_bypasses(field)]
    assert bypassing == [], "form text fields without the cleaner (use CleanFormCharField): " + ", ".join(bypassing)


# --- the source scan (fields built in __init__ or outside a form class) --------------------------------------------

PLAIN = {("models", "CharField"), ("models", "TextField"), ("forms", "CharField")}


def plain_text_fields(tree: ast.AST) -> list[int]:
    """Lines that build a plain Django text field, other than a password box."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = getattr(node.func.value, "id", "")
        if (owner, node.func.attr) not in PLAIN:
            continue
        if "PasswordInput" in ast.dump(node):
            continue
        lines.append(node.lineno)
    return lines


def _output_fields(tree: ast.AST) -> set[int]:
    # `output_field=models.TextField()` in a query expression is a type, not an input.
    return {kw.value.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            for kw in node.keywords if kw.arg == "output_field"}


def test_no_module_builds_a_plain_text_field():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative == "common/text.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _output_fields(tree)
        found += [f"{relative}:{line}" for line in plain_text_fields(tree) if line not in skip]
    assert found == [], "plain text fields (use yorisoi.common.text): " + ", ".join(found)


@pytest.mark.parametrize("source, expected", [
    ("name = models.CharField(max_length=5)", [1]),
    ("note = forms.CharField(widget=forms.Textarea)", [1]),
    ("body = models.TextField()", [1]),
    ("secret = forms.CharField(widget=forms.PasswordInput)", []),
    ("name = CleanCharField(max_length=5)", []),
])
def test_the_scan_finds_a_plain_text_field(source, expected):
    assert plain_text_fields(ast.parse(source)) == expected


# --- through the pages and the services (NUL is what PostgreSQL refuses) ---------------------------------------------

HOSTILE_NAME = "𠮷\x00野\x07"
IVS_NAME = "葛\U000E0100城"


@pytest.mark.django_db
def test_a_person_registered_with_control_characters_is_stored_clean_and_rare_kanji_exactly(worker_client):
    from yorisoi.people.models import Person
    from yorisoi.people.tests.helpers import BASE_POST

    data = {**BASE_POST, "family_name": HOSTILE_NAME, "given_name": IVS_NAME, "wishes": "一行目\r\n二行目\x00\x1b",
            "aliases": "別名\x00"}
    response = worker_client.post("/people/new/", data)
    assert response.status_code == 302
    person = Person.objects.get(family_name="𠮷野")
    assert (person.given_name, person.wishes, person.aliases) == (IVS_NAME, "一行目\n二行目", "別名")
    assert worker_client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_a_support_record_with_nul_is_saved_clean_and_an_overlong_one_is_refused_in_japanese(center, worker,
                                                                                                 worker_client):
    from django.urls import reverse

    from yorisoi.cases.tests.factories import CaseFactory
    from yorisoi.people.tests.factories import PersonFactory
    from yorisoi.records.models import Activity

    case = CaseFactory(person=PersonFactory(center=center), main_staff=worker)
    url = reverse("records:add", args=[case.pk])
    data = {"occurred_at": "2026-11-20 14:30", "kind": "interview", "counterpart": "本人\x00",
            "narrative": "面接\x00で本人の希望を聞いた\x0b（架空）", "minutes": "45"}
    assert worker_client.post(url, data).status_code == 302
    activity = Activity.objects.get(case=case)
    assert (activity.counterpart, activity.narrative) == ("本人", "面接で本人の希望を聞いた（架空）")
    response = worker_client.post(url, {**data, "narrative": "あ" * 10_001})
    assert response.status_code == 200
    assert "10000" in response.content.decode() and Activity.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_service_call_and_a_plain_save_store_no_nul(center):
    from yorisoi.partners.models import Organization
    from yorisoi.partners.tests.factories import OrganizationFactory

    org = OrganizationFactory(center=center, name="機関\x00名", notes="備考\x00")
    org.refresh_from_db()
    assert (org.name, org.notes) == ("機関名", "備考")
    Organization.objects.filter(pk=org.pk).update(notes="更新\x00")
    org.refresh_from_db()
    assert org.notes == "更新"


@pytest.mark.django_db
def test_a_search_with_nul_is_logged_without_its_text_and_the_chain_still_verifies(worker, worker_client):
    from yorisoi.privacy.audit import verify_chains
    from yorisoi.privacy.models import AccessAction, AccessLog

    worker_client.post("/people/", {"q": "山\x00田"})
    worker_client.get("/people/")  # the search runs with the cleaned text (PostgreSQL refuses a NUL in a query)
    row = AccessLog.objects.filter(action=AccessAction.SEARCH).latest("id")
    assert "山" not in row.detail and "田" not in row.detail  # a typed name is personal data: never in the log
    assert all(report.ok for report in verify_chains())
