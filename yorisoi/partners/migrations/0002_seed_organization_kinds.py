"""The kinds of organization every center shares (issue 5). Kept frozen here: later changes are new rows
or new migrations, never edits of this list."""

from django.db import migrations

# code, label, group, is_residential, is_medical, has_services
KINDS = [
    ("prosecutors_office", "地方検察庁（再犯防止対策室）", "justice", False, False, False),
    ("probation_office", "保護観察所", "justice", False, False, False),
    ("police", "警察", "justice", False, False, False),
    ("lawyer", "弁護士会・弁護士", "justice", False, False, False),
    ("correctional_facility", "刑務所・矯正施設", "justice", False, False, False),
    ("prefecture", "都道府県（社会福祉課など）", "government", False, False, False),
    ("municipality", "市区町村（障害福祉・高齢介護・生活福祉・生活保護）", "government", False, False, False),
    ("consultation_support", "相談支援事業所", "welfare", False, False, False),
    ("community_support_center", "地域包括支援センター", "welfare", False, False, False),
    ("health_center", "保健所・保健センター", "medical", False, False, False),
    ("hospital", "病院・診療所", "medical", False, True, False),
    ("welfare_provider", "福祉事業所", "welfare", False, False, True),
    ("needy_support", "生活困窮者自立支援", "welfare", False, False, False),
    ("multilayered_support", "重層的支援体制整備事業", "welfare", False, False, False),
    ("hello_work", "ハローワーク", "employment", False, False, False),
    ("cooperating_employer", "協力雇用主", "employment", False, False, False),
    ("rehabilitation_facility", "更生保護施設", "residential", True, False, False),
    ("self_reliance_home", "自立準備ホーム", "residential", True, False, False),
    ("free_low_cost_lodging", "無料低額宿泊所", "residential", True, False, False),
    ("relief_facility", "救護施設", "residential", True, False, False),
    ("other_center", "他の地域生活定着支援センター", "other", False, False, False),
    ("other", "その他", "other", False, False, False),
]


def seed(apps, schema_editor):
    OrganizationKind = apps.get_model("partners", "OrganizationKind")
    for order, (code, label, group, residential, medical, services) in enumerate(KINDS, start=1):
        OrganizationKind.objects.update_or_create(
            center=None, code=code,
            defaults={"label": label, "group": group, "sort_order": order * 10, "is_residential": residential,
                      "is_medical": medical, "has_services": services, "active": True},
        )


def unseed(apps, schema_editor):
    OrganizationKind = apps.get_model("partners", "OrganizationKind")
    OrganizationKind.objects.filter(center=None, code__in=[k[0] for k in KINDS], organizations=None).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
