"""The shared catalogue of procedure types and the shared templates for 入口支援 and 出口支援 (issue 4).

Frozen here: later changes are new rows or new migrations, never edits of these lists. A center changes
its own catalogue on the screen (its own types, hiding shared ones, copying a shared template)."""

from django.db import migrations

# code, name, category, responsible kind code, duration notes, renewal months, usual steps
TYPES = [
    ("resident_registration", "住民票の回復", "residence", "municipality",
     "居所が決まったらすぐに。職権消除されていないか前住所地で確認する", None,
     "前住所地での住民票の状況確認（職権消除の有無）\n帰住先（居所）の確定\n転入届・住所設定の届出\n住民票の写しの取得"),
    ("public_assistance", "生活保護申請", "welfare", "municipality",
     "申請から14日以内に決定（特別な理由があるときは30日まで）", None,
     "福祉事務所への相談（同行）\n保護申請書の提出\n家庭訪問・資産の調査\n保護の決定通知の確認"),
    ("responsible_municipality", "援護の実施者の確定", "welfare", "municipality",
     "生活保護・障害福祉サービスの実施責任をもつ市区町村を、釈放前に確定しておく", None,
     "居住地・現在地の確認\n関係する市区町村との協議\n実施責任をもつ市区町村の確定"),
    ("physical_disability_certificate", "身体障害者手帳", "disability", "municipality",
     "申請から交付まで1〜2か月程度", None,
     "指定医の診断書・意見書\n市区町村の窓口へ申請\n判定\n交付"),
    ("rehabilitation_certificate", "療育手帳", "disability", "municipality",
     "判定の予約待ちが多い。名称と等級は都道府県ごと（埼玉 Ⓐ/A/B/C、東京 愛の手帳1〜4度、神奈川 A1〜B2）", None,
     "市区町村の窓口へ相談・申請\n知的障害者更生相談所（児童相談所）での判定\n交付"),
    ("mental_health_certificate", "精神障害者保健福祉手帳", "disability", "municipality",
     "2年ごとに更新（有効期限の3か月前から更新の申請ができる）", 24,
     "初診から6か月以上たってからの診断書\n市区町村の窓口へ申請\n精神保健福祉センターでの判定\n交付"),
    ("disability_support_level", "障害支援区分認定調査", "disability", "municipality",
     "申請から区分の決定まで1〜2か月程度", None,
     "障害福祉サービスの利用申請\n認定調査（聞き取り）\n医師意見書\n審査会・区分の決定\nサービス等利用計画（相談支援事業所）"),
    ("care_level", "要介護認定", "care", "municipality",
     "申請から原則30日以内に結果を通知", None,
     "介護保険の申請（市区町村・地域包括支援センター）\n認定調査\n主治医意見書\n介護認定審査会\n結果の通知"),
    ("medical_visit", "受診・無料低額診療", "medical", "hospital",
     "常用薬が切れる前に受診する", None,
     "受診先の選定（無料低額診療を行う医療機関）\n受診の予約・同行\n常用薬の確保"),
    ("health_insurance", "健康保険", "medical", "municipality",
     "生活保護を受けるときは医療扶助（保険証は不要）", None,
     "加入状況の確認\n国民健康保険の加入手続き\n資格確認書（保険証）の受け取り"),
    ("pension", "年金", "income", None,
     "年金事務所で加入記録を確認する", None,
     "年金の加入記録の確認（年金事務所）\n障害年金・老齢年金の受給要件の確認\n請求書類の提出"),
    ("identity_document", "身分証明書", "living", "municipality",
     "住民票の回復の後に", None,
     "住民票の写しの取得\nマイナンバーカードの申請\n受け取り"),
    ("bank_account", "銀行口座", "living", None,
     "本人確認書類がそろってから", None,
     "本人確認書類の準備\n口座の開設（生活保護費などの受け取り用）"),
    ("mobile_phone", "携帯電話", "living", None,
     "本人確認書類がそろってから。料金の支払い方法を確認する", None,
     "本人確認書類の準備\n契約（料金の支払い方法の確認）"),
    ("debt_arrangement", "債務整理", "legal", "lawyer",
     "法テラスの無料法律相談を使える", None,
     "借入れ・滞納の聞き取り\n法テラス・弁護士への相談\n手続き（任意整理・自己破産など）"),
]

# name, case kind, description, items: (key, type code, title, reference, offset, unit, after key)
TEMPLATES = [
    ("入口支援の基本", "entrance",
     "釈放（起訴猶予・執行猶予など）の直前に依頼を受けたとき。釈放までに援護の実施者を確定し、釈放後すぐに生活保護と"
     "住民票、受診を進めます。",
     [
         ("municipality", "responsible_municipality", "", "release", -2, "business", None),
         ("welfare", "public_assistance", "", "release", 1, "business", None),
         ("residence", "resident_registration", "", "release", 3, "business", None),
         ("medical", "medical_visit", "", "release", 7, "calendar", None),
         ("insurance", "health_insurance", "", "release", 14, "calendar", None),
         ("id", "identity_document", "", "release", 30, "calendar", None),
         ("bank", "bank_account", "", "release", 30, "calendar", None),
         ("phone", "mobile_phone", "", "release", 30, "calendar", None),
         ("ryoiku_apply", "rehabilitation_certificate", "療育手帳の申請", "placement", 14, "calendar", None),
         ("ryoiku_assess", "rehabilitation_certificate", "療育手帳の判定", "previous", 30, "calendar", "ryoiku_apply"),
         ("ryoiku_issue", "rehabilitation_certificate", "療育手帳の交付", "previous", 30, "calendar", "ryoiku_assess"),
         ("support_level", "disability_support_level", "", "placement", 30, "calendar", None),
     ]),
    ("出口支援（特別調整）の基本", "exit",
     "矯正施設からの釈放（特別調整）。釈放の前に援護の実施者と生活保護の事前相談を済ませ、一時受入の後に手帳や"
     "認定の手続きを進めます。",
     [
         ("municipality", "responsible_municipality", "", "release", -30, "calendar", None),
         ("welfare", "public_assistance", "生活保護の事前相談・申請", "release", -10, "business", None),
         ("residence", "resident_registration", "", "release", 3, "business", None),
         ("medical", "medical_visit", "", "release", 7, "calendar", None),
         ("insurance", "health_insurance", "", "release", 14, "calendar", None),
         ("care", "care_level", "", "placement", 7, "business", None),
         ("support_level", "disability_support_level", "", "placement", 14, "calendar", None),
         ("shintai_apply", "physical_disability_certificate", "身体障害者手帳の申請", "placement", 30, "calendar", None),
         ("shintai_assess", "physical_disability_certificate", "身体障害者手帳の判定", "previous", 30, "calendar",
          "shintai_apply"),
         ("shintai_issue", "physical_disability_certificate", "身体障害者手帳の交付", "previous", 14, "calendar",
          "shintai_assess"),
         ("id", "identity_document", "", "release", 30, "calendar", None),
         ("pension", "pension", "", "release", 30, "calendar", None),
         ("bank", "bank_account", "", "release", 45, "calendar", None),
     ]),
]


def seed(apps, schema_editor):
    ProcedureType = apps.get_model("procedures", "ProcedureType")
    OrganizationKind = apps.get_model("partners", "OrganizationKind")
    CaseTemplate = apps.get_model("procedures", "CaseTemplate")
    CaseTemplateItem = apps.get_model("procedures", "CaseTemplateItem")
    kinds = {k.code: k for k in OrganizationKind.objects.filter(center=None)}
    types = {}
    for order, (code, name, category, kind, notes, renewal, steps) in enumerate(TYPES, start=1):
        types[code], _ = ProcedureType.objects.update_or_create(
            center=None, code=code,
            defaults={"name": name, "category": category, "responsible_kind": kinds.get(kind) if kind else None,
                      "duration_notes": notes, "renewal_months": renewal, "usual_steps": steps,
                      "sort_order": order * 10, "active": True},
        )
    for name, kind, description, items in TEMPLATES:
        if CaseTemplate.objects.filter(center=None, name=name).exists():
            continue
        template = CaseTemplate.objects.create(center=None, name=name, case_kind=kind, description=description)
        made = {}
        for order, (key, code, title, reference, offset, unit, after) in enumerate(items, start=1):
            made[key] = CaseTemplateItem.objects.create(
                template=template, procedure_type=types[code], title=title, reference=reference, offset_days=offset,
                offset_unit=unit, after=made[after] if after else None, sort_order=order * 10)


def unseed(apps, schema_editor):
    """Remove the shared rows that nothing uses any more (a center's copies and case procedures keep theirs).
    Ids only, no joins: the historical models of a backwards migration do not compare equal across relations."""
    alias = schema_editor.connection.alias
    CaseTemplate = apps.get_model("procedures", "CaseTemplate")
    CaseTemplateItem = apps.get_model("procedures", "CaseTemplateItem")
    CaseProcedure = apps.get_model("procedures", "CaseProcedure")
    ProcedureType = apps.get_model("procedures", "ProcedureType")
    template_ids = list(CaseTemplate.objects.filter(center_id=None, name__in=[t[0] for t in TEMPLATES])
                        .values_list("pk", flat=True))
    item_ids = list(CaseTemplateItem.objects.filter(template_id__in=template_ids).values_list("pk", flat=True))
    CaseProcedure.objects.filter(template_item_id__in=item_ids).update(template_item_id=None)
    CaseTemplateItem.objects.filter(pk__in=item_ids).update(after_id=None, reference="release")
    CaseTemplateItem.objects.filter(pk__in=item_ids)._raw_delete(alias)
    CaseTemplate.objects.filter(copied_from_id__in=template_ids).update(copied_from_id=None)
    CaseTemplate.objects.filter(pk__in=template_ids)._raw_delete(alias)
    used = set(CaseProcedure.objects.values_list("procedure_type_id", flat=True)) | set(
        CaseTemplateItem.objects.values_list("procedure_type_id", flat=True))
    unused = list(ProcedureType.objects.filter(center_id=None, code__in=[t[0] for t in TYPES])
                  .exclude(pk__in=used).values_list("pk", flat=True))
    ProcedureType.hidden_by.through.objects.filter(proceduretype_id__in=unused)._raw_delete(alias)
    ProcedureType.objects.filter(pk__in=unused)._raw_delete(alias)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial"), ("partners", "0002_seed_organization_kinds")]
    operations = [migrations.RunPython(seed, unseed)]
