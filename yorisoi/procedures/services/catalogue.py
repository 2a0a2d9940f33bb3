"""The catalogue (procedure types) and the templates per case kind: directors edit them.

Shared rows (center NULL) are never changed by a center: a director hides a shared type the center does not
use, and copies a shared template to change it (the center's template for a case kind is used first).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yorisoi.accounts.models import Staff
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction

from ..models import CaseTemplate, CaseTemplateItem, ProcedureType, ReferenceKind
from ._common import check_fields, require_catalogue_manager

SECTION = "procedure_catalogue"
TYPE_FIELDS = ["name", "category", "usual_steps", "responsible_kind", "duration_notes", "renewal_months",
               "sort_order", "active"]
TEMPLATE_FIELDS = ["name", "case_kind", "description", "active"]
ITEM_FIELDS = ["procedure_type", "title", "reference", "offset_days", "offset_unit", "after", "sort_order"]


def _visible_types(actor: Staff):
    return policy.shared_or_of_center(ProcedureType, actor)


def _check_name_free(actor: Staff, name: str, exclude_pk: int | None = None) -> None:
    clash = _visible_types(actor).filter(name=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": "同じ名前の手続きがすでにあります。"})


def _check_kind(actor: Staff, values: dict) -> None:
    kind = values.get("responsible_kind")
    if kind is not None and kind.center_id not in (None, actor.center_id):
        raise PermissionDenied


@transaction.atomic
def add_procedure_type(*, actor: Staff, request=None, **values) -> ProcedureType:
    require_catalogue_manager(actor)
    check_fields(values, TYPE_FIELDS)
    _check_kind(actor, values)
    _check_name_free(actor, values.get("name", ""))
    count = policy.of_center(ProcedureType, actor).count()
    procedure_type = ProcedureType(center_id=actor.center_id, code=f"c{actor.center_id}-{count + 1}", **values)
    while policy.of_center(ProcedureType, actor).filter(code=procedure_type.code).exists():
        count += 1
        procedure_type.code = f"c{actor.center_id}-{count + 1}"
    procedure_type.full_clean()
    procedure_type._history_user = actor
    procedure_type.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=procedure_type, section=SECTION)
    return procedure_type


@transaction.atomic
def update_procedure_type(*, actor: Staff, procedure_type: ProcedureType, request=None, **values) -> ProcedureType:
    """Only the center's own types; a shared type is hidden with set_procedure_type_hidden instead."""
    require_catalogue_manager(actor)
    policy.require_same_center(actor, procedure_type)
    check_fields(values, TYPE_FIELDS)
    _check_kind(actor, values)
    _check_name_free(actor, values.get("name", procedure_type.name), exclude_pk=procedure_type.pk)
    for name, value in values.items():
        setattr(procedure_type, name, value)
    procedure_type.full_clean()
    procedure_type._history_user = actor
    procedure_type.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=procedure_type, section=SECTION)
    return procedure_type


@transaction.atomic
def set_procedure_type_hidden(*, actor: Staff, procedure_type: ProcedureType, hidden: bool,
                              request=None) -> ProcedureType:
    """このセンターでは使わない: a shared type leaves the center's menus (what is recorded stays)."""
    require_catalogue_manager(actor)
    if procedure_type.center_id is not None:
        raise PermissionDenied
    if hidden:
        procedure_type.hidden_by.add(actor.center_id)
    else:
        procedure_type.hidden_by.remove(actor.center_id)
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=procedure_type, section=SECTION,
               detail="hidden" if hidden else "shown")
    return procedure_type


# --- templates --------------------------------------------------------------------------------------------


def _own_template(actor: Staff, template: CaseTemplate) -> None:
    require_catalogue_manager(actor)
    policy.require_same_center(actor, template)


@transaction.atomic
def add_template(*, actor: Staff, request=None, **values) -> CaseTemplate:
    require_catalogue_manager(actor)
    check_fields(values, TEMPLATE_FIELDS)
    template = CaseTemplate(center_id=actor.center_id, **values)
    template.full_clean()
    template._history_user = actor
    template.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=template, section=SECTION)
    return template


@transaction.atomic
def update_template(*, actor: Staff, template: CaseTemplate, request=None, **values) -> CaseTemplate:
    _own_template(actor, template)
    check_fields(values, TEMPLATE_FIELDS)
    for name, value in values.items():
        setattr(template, name, value)
    template.full_clean()
    template._history_user = actor
    template.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=template, section=SECTION)
    return template


@transaction.atomic
def copy_template(*, actor: Staff, template: CaseTemplate, request=None) -> CaseTemplate:
    """A center's own copy of a template (shared or its own), items and their order of dependence included."""
    require_catalogue_manager(actor)
    if template.center_id not in (None, actor.center_id):
        raise PermissionDenied
    copy = CaseTemplate(center_id=actor.center_id, name=f"{template.name}（このセンター用）"[:80],
                        case_kind=template.case_kind, description=template.description, active=True,
                        copied_from=template)
    copy.full_clean()
    copy._history_user = actor
    copy.save()
    made: dict[int, CaseTemplateItem] = {}
    pending = list(template.items.order_by("sort_order", "id"))
    while pending:
        ready = [item for item in pending if item.after_id is None or item.after_id in made]
        if not ready:  # a cycle cannot be saved through the services; stop rather than loop
            break
        for item in ready:
            made[item.pk] = CaseTemplateItem.objects.create(
                template=copy, procedure_type_id=item.procedure_type_id, title=item.title, reference=item.reference,
                offset_days=item.offset_days, offset_unit=item.offset_unit,
                after=made.get(item.after_id), sort_order=item.sort_order)
            pending.remove(item)
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=copy, section=SECTION,
               detail=f"copied_from={template.pk}")
    return copy


def _check_item(actor: Staff, template: CaseTemplate, values: dict, item: CaseTemplateItem | None = None) -> None:
    procedure_type = values.get("procedure_type")
    if procedure_type is not None and procedure_type.center_id not in (None, actor.center_id):
        raise PermissionDenied
    after = values.get("after")
    errors = {}
    if values.get("reference") == ReferenceKind.PREVIOUS:
        if after is None:
            errors["after"] = "「前の手続きの完了日」を基準にするときは、前の手続きを選んでください。"
        elif after.template_id != template.pk:
            raise PermissionDenied
        elif item is not None:
            seen, step = set(), after
            while step is not None and step.pk not in seen:
                if step.pk == item.pk:
                    errors["after"] = "手続きの順番が循環しています。別の手続きを選んでください。"
                    break
                seen.add(step.pk)
                step = step.after
    else:
        values["after"] = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_template_item(*, actor: Staff, template: CaseTemplate, request=None, **values) -> CaseTemplateItem:
    _own_template(actor, template)
    check_fields(values, ITEM_FIELDS)
    _check_item(actor, template, values)
    item = CaseTemplateItem(template=template, **values)
    item.full_clean()
    item._history_user = actor
    item.save()
    log_access(request=request, actor=actor, action=AccessAction.CREATE, obj=item, section=SECTION)
    return item


@transaction.atomic
def update_template_item(*, actor: Staff, item: CaseTemplateItem, request=None, **values) -> CaseTemplateItem:
    _own_template(actor, item.template)
    check_fields(values, ITEM_FIELDS)
    _check_item(actor, item.template, values, item)
    for name, value in values.items():
        setattr(item, name, value)
    item.full_clean()
    item._history_user = actor
    item.save()
    log_access(request=request, actor=actor, action=AccessAction.UPDATE, obj=item, section=SECTION)
    return item


@transaction.atomic
def delete_template_item(*, actor: Staff, item: CaseTemplateItem, request=None) -> None:
    """Cases that got the item keep their procedures; an item that others follow stays until they go."""
    _own_template(actor, item.template)
    if item.followers.exists():
        raise ValidationError("この手続きの完了を待つ手続きがあります。"
                              "先にそちらを削除するか、基準日を変えてください。")
    log_access(request=request, actor=actor, action=AccessAction.DELETE, obj=item, section=SECTION)
    item._history_user = actor
    item.delete()
