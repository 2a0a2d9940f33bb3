"""The assessment domains of issue 4. Kept frozen here: later changes are new rows or new migrations."""

from django.db import migrations

# code, label, sensitivity, prompt
DOMAINS = [
    ("health", "健康・服薬", "health", "病気・けが、通院先、常用薬と服薬の管理、健康保険"),
    ("disability", "障害", "health", "障害の種類と程度、手帳・障害支援区分・要介護認定、意思疎通の配慮"),
    ("daily_living", "日常生活", "normal", "食事・清潔・金銭管理・買い物・移動など、一人でできること・手伝いが必要なこと"),
    ("housing", "住まい", "normal", "帰住先・住民票、一時的な居所、希望する暮らし方"),
    ("income_debt", "収入・債務", "normal", "収入・年金・生活保護、預貯金、借金・滞納"),
    ("family", "家族・人間関係", "normal", "家族・知人との関係、連絡が取れる人、避けたい相手"),
    ("work", "就労・日中活動", "normal", "働いた経験、働く意欲、日中の過ごし方"),
    ("justice", "司法の状況", "justice", "処分・刑の状況、保護観察・更生緊急保護、関係する司法機関"),
    ("wishes", "本人の希望", "normal", "本人の言葉で：これからの暮らし、してほしいこと・してほしくないこと"),
]


def seed(apps, schema_editor):
    AssessmentDomain = apps.get_model("planning", "AssessmentDomain")
    for order, (code, label, sensitivity, prompt) in enumerate(DOMAINS, start=1):
        AssessmentDomain.objects.update_or_create(
            code=code, defaults={"label": label, "sensitivity": sensitivity, "prompt": prompt,
                                 "sort_order": order * 10, "active": True})


def unseed(apps, schema_editor):
    AssessmentDomain = apps.get_model("planning", "AssessmentDomain")
    AssessmentDomain.objects.filter(code__in=[d[0] for d in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
