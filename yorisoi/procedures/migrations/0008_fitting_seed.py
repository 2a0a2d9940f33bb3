"""The shared templates learn who each procedure fits (age, certificates, 住民票), so a 72-year-old is proposed
要介護認定 and not 療育手帳, a 36-year-old with 療育手帳 B not 要介護認定, and a person whose 住民票 was
deleted (職権消除) the recovery of the 住民票 first. A center's own copies are its own and are left as they are."""

from django.db import migrations

ENTRANCE = "入口支援の基本"
EXIT = "出口支援（特別調整）の基本"

# (template, type code, title as seeded): conditions
CONDITIONS = {
    (ENTRANCE, "rehabilitation_certificate", "療育手帳の申請"): {
        "certificate_kind": "intellectual", "certificate_held": "not_held", "max_age": 64,
        "proposal_note": "知的障害が疑われ、療育手帳を持っていないとき"},
    (ENTRANCE, "rehabilitation_certificate", "療育手帳の判定"): {
        "certificate_kind": "intellectual", "certificate_held": "not_held", "max_age": 64},
    (ENTRANCE, "rehabilitation_certificate", "療育手帳の交付"): {
        "certificate_kind": "intellectual", "certificate_held": "not_held", "max_age": 64},
    (ENTRANCE, "disability_support_level", ""): {"max_age": 64},
    (ENTRANCE, "resident_registration", ""): {"residence": "registered"},
    (EXIT, "care_level", ""): {"min_age": 65},
    (EXIT, "disability_support_level", ""): {"max_age": 64},
    (EXIT, "resident_registration", ""): {"residence": "registered"},
    (EXIT, "physical_disability_certificate", "身体障害者手帳の申請"): {
        "certificate_kind": "physical", "certificate_held": "not_held", "proposal_only": True,
        "proposal_note": "身体に障害があり、身体障害者手帳を持っていないとき"},
    (EXIT, "physical_disability_certificate", "身体障害者手帳の判定"): {
        "certificate_kind": "physical", "certificate_held": "not_held", "proposal_only": True},
    (EXIT, "physical_disability_certificate", "身体障害者手帳の交付"): {
        "certificate_kind": "physical", "certificate_held": "not_held", "proposal_only": True},
}

# New items: (template, type code, title, reference, offset, unit, sort order, conditions)
NEW_ITEMS = [
    (ENTRANCE, "resident_registration", "住民票の回復（職権消除・不明：前住所地と先に調整）", "release", -2, "business", 5,
     {"residence": "unclear"}),
    (ENTRANCE, "care_level", "", "placement", 7, "business", 125, {"min_age": 65}),
    (ENTRANCE, "pension", "年金（老齢年金の確認）", "release", 30, "calendar", 126, {"min_age": 65}),
    (EXIT, "resident_registration", "住民票の回復（職権消除・不明：前住所地と先に調整）", "release", -20, "calendar", 5,
     {"residence": "unclear"}),
    (EXIT, "rehabilitation_certificate", "療育手帳の申請", "placement", 14, "calendar", 105,
     {"certificate_kind": "intellectual", "certificate_held": "not_held", "max_age": 64, "proposal_only": True,
      "proposal_note": "知的障害が疑われ、療育手帳を持っていないとき"}),
    (EXIT, "mental_health_certificate", "", "placement", 30, "calendar", 106,
     {"certificate_kind": "mental", "certificate_held": "not_held", "proposal_only": True,
      "proposal_note": "精神科に通院していて（初診から6か月以上）、手帳を持っていないとき"}),
]


def forwards(apps, schema_editor):
    CaseTemplate = apps.get_model("procedures", "CaseTemplate")
    CaseTemplateItem = apps.get_model("procedures", "CaseTemplateItem")
    ProcedureType = apps.get_model("procedures", "ProcedureType")
    templates = {t.name: t for t in CaseTemplate.objects.filter(center=None, name__in=[ENTRANCE, EXIT])}
    types = {t.code: t for t in ProcedureType.objects.filter(center=None)}
    for (name, code, title), conditions in CONDITIONS.items():
        if name in templates and code in types:
            CaseTemplateItem.objects.filter(template=templates[name], procedure_type=types[code],
                                            title=title).update(**conditions)
    for name, code, title, reference, offset, unit, order, conditions in NEW_ITEMS:
        if name not in templates or code not in types:
            continue
        CaseTemplateItem.objects.get_or_create(
            template=templates[name], procedure_type=types[code], title=title,
            defaults={"reference": reference, "offset_days": offset, "offset_unit": unit, "sort_order": order,
                      **conditions})


def backwards(apps, schema_editor):
    CaseTemplate = apps.get_model("procedures", "CaseTemplate")
    CaseTemplateItem = apps.get_model("procedures", "CaseTemplateItem")
    CaseProcedure = apps.get_model("procedures", "CaseProcedure")
    templates = CaseTemplate.objects.filter(center=None, name__in=[ENTRANCE, EXIT])
    new = CaseTemplateItem.objects.filter(template__in=templates, sort_order__in={item[6] for item in NEW_ITEMS})
    CaseProcedure.objects.filter(template_item__in=new).update(template_item=None)
    new.delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0007_fitting_templates")]
    operations = [migrations.RunPython(forwards, backwards)]
