"""The kinds of record a retention rule names, what each kind covers, and how its rows are anonymised.

A kind lists its targets: a model (by label, skipped when its app is not installed), the lookups that lead
from a row to its person, and what to keep. Everything else that is free text (CharField without choices,
TextField, encrypted text) is blanked, files are deleted, and so a field added to a model later is
anonymised unless someone decides to keep it here. Choices, dates, numbers, booleans and foreign keys are
kept: they are what the statistics count.

Default periods (years after the person's last case closed; a center's director changes them on the
retention page):
- 5 years for every kind. Records of welfare services are kept 5 years after the service ended under the
  ordinances of most prefectures (the national standard for disability services is 2 years), and the
  person often comes back to the center within a few years, when the earlier record is what the new
  support builds on.
- Provision and receipt records (同意・第三者提供記録) never less than YORISOI_DISCLOSURE_RETENTION_YEARS
  (3: 個人情報保護法29条・30条, 施行規則).
- The person (氏名・連絡先) is kept at least as long as every other kind: anonymising the person takes
  every record of that person with it, because a narrative kept beside an anonymised name still names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

PERSON = "person"
ANONYMISED_NAME = "匿名化済み"
ANONYMISED_KANA = "トクメイカズミ"
ANONYMISED_TEXT = "（匿名化済み）"  # for required text fields: a blank would look like a missing value


def _disclosure_minimum() -> int:
    try:
        from yorisoi.disclosure import conf
    except ImportError:  # the disclosure app is optional for this module
        return 3
    return conf.retention_years()


@dataclass(frozen=True)
class Target:
    label: str  # "app.model"
    paths: tuple[str, ...]  # lookups from a row to its person's id, OR'd
    keep: frozenset[str] = frozenset()  # free-text fields kept (organisation names, codes)
    delete: bool = False  # remove the rows (and their files) instead of blanking them
    # field → function(row) giving the new value; for fields that need more than a blank
    replace: dict[str, Callable] = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model] | None:
        try:
            return apps.get_model(self.label)
        except LookupError:
            return None


@dataclass(frozen=True)
class RecordKind:
    code: str
    label: str
    covers: str  # what the kind holds, for the settings page
    targets: tuple[Target, ...]
    default_years: int = 5
    minimum: Callable[[], int] = lambda: 1

    def min_years(self) -> int:
        return self.minimum()


def _flag_label(flag) -> str:
    from yorisoi.cases.models import FLAG_SUGGESTIONS

    # The suggested labels are categories (counted in statistics); anything typed freely may name someone.
    return flag.label if flag.label in FLAG_SUGGESTIONS else "その他（匿名化済み）"


def _given_name(person) -> str:
    return str(person.pk)


def _birth_year_only(person):
    return person.birth_date.replace(month=1, day=1) if person.birth_date else None


_PERSON = ("person_id",)
_CASE = ("case__person_id",)

KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        PERSON, "対象者（氏名・連絡先・フェイスシート）",
        "氏名とフリガナ、通称、電話、郵便番号と町域・番地、帰住地の希望、本人の意向、健康と司法の記述、家族・緊急連絡先"
        "（削除）、医療（常用薬・受診予定・健診・緊急時の受診先：削除）、関係機関の担当者、手帳番号、緊急閲覧の理由。生年は年だけ、性別・市区町村・要介護度・手帳の種類と等級・"
        "司法上の立場と罪名の分類は統計のために残します。",
        (
            Target("people.person", ("id",), keep=frozenset({"prefecture", "municipality", "search_key"}),
                   replace={"family_name": lambda p: ANONYMISED_NAME, "given_name": _given_name,
                            "family_name_kana": lambda p: ANONYMISED_KANA, "birth_date": _birth_year_only}),
            Target("people.familycontact", _PERSON, delete=True),
            Target("medical.medication", _PERSON, delete=True),
            Target("medical.appointment", _PERSON, delete=True),
            Target("medical.healthcheck", _PERSON, delete=True),
            Target("medical.urgentroute", _PERSON, delete=True),
            Target("people.externalcontact", _PERSON),
            Target("people.disabilitycertificate", _PERSON, keep=frozenset({"grade", "issuing_prefecture"})),
            Target("privacy.breakglassgrant", ("person_id", "case__person_id")),
        ),
    ),
    RecordKind(
        "case", "支援ケース",
        "依頼元の担当者と連絡先、釈放場所、終結時のまとめ、段階を変えた理由、注意事項の指示。ケース番号・種別・段階・"
        "日付・終結理由・依頼元機関は残します。",
        (
            Target("cases.case", ("person_id",), keep=frozenset({"number", "referral_agency"})),
            Target("cases.phasetransition", _CASE),
            Target("cases.caseflag", _CASE, replace={"label": _flag_label}),
        ),
    ),
    RecordKind(
        "activity", "支援経過記録",
        "記録の内容と相手方。日時・種別・所要時間は残します。",
        (Target("records.activity", _PERSON),),
    ),
    RecordKind(
        "planning", "アセスメント・支援計画・終結の決裁",
        "アセスメントの所見と課題、支援計画の目標・本人の希望・行動、決裁のコメント、終結時のまとめ。種類・日付・評価の段階・"
        "終結理由は残します。",
        (
            Target("planning.assessment", _CASE),
            Target("planning.assessmentdomainentry", ("assessment__case__person_id",)),
            Target("planning.supportplan", _CASE),
            Target("planning.planaction", ("plan__case__person_id",)),
            Target("planning.closurerequest", _CASE),
            Target("planning.closureservice", ("request__case__person_id",)),
            Target("planning.approvalevent", _CASE),
        ),
    ),
    RecordKind(
        "placement", "居所・受け入れ照会・サービスへのつなぎ",
        "備考、退所の記録、照会への回答者と断りの詳細、つなぎの結果。施設名・種類・日付・結果の区分は残します。",
        (
            Target("placements.placement", _PERSON, keep=frozenset({"facility_name"})),
            Target("placements.placementinquiry", _CASE, keep=frozenset({"facility_name"})),
            Target("placements.serviceconnection", _CASE, keep=frozenset({"organization_name"})),
            Target("placements.connectionstatuschange", ("connection__case__person_id",)),
        ),
    ),
    RecordKind(
        "procedure", "手続き・更生緊急保護・フォローアップ",
        "手続きの先方担当者・電話・備考、添付書類（ファイルごと削除）、更生緊急保護と延長の備考・理由、フォローアップの"
        "備考。手続きの名称・状態・日付は残します。",
        (
            Target("procedures.caseprocedure", _CASE, keep=frozenset({"title"})),
            Target("procedures.proceduredocument", ("procedure__case__person_id",), delete=True),
            Target("procedures.referencedates", _CASE),
            Target("procedures.urgentprotection", _CASE),
            Target("procedures.protectionextension", ("protection__case__person_id",)),
            Target("procedures.followup", _CASE, keep=frozenset({"interval_code", "interval_label"})),
        ),
    ),
    RecordKind(
        "intake", "事前相談",
        "事前相談の氏名・フリガナ、相談者と連絡先、概要、時期のメモ。相談日・機関名・状態は残します。",
        (Target("intake.preconsultation", ("person_id", "case__person_id"), keep=frozenset({"agency_name"}),
                replace={"family_name": lambda p: ANONYMISED_NAME, "family_name_kana": lambda p: ANONYMISED_KANA}),),
    ),
    RecordKind(
        "disclosure", "同意・第三者提供・受領・開示等の請求",
        "同意書のファイルと備考、提供した内容と情報提供書（PDF）、根拠の説明と備考、受領した内容の詳細、開示等の請求の"
        "内容と対応。提供日・提供先・項目・根拠の区分は残します。",
        (
            Target("disclosure.consent", _PERSON, keep=frozenset({"file_type"})),
            Target("disclosure.disclosurerecord", _PERSON,
                   keep=frozenset({"recipient_name", "recipient_kind", "item_summary", "document_sha256"})),
            Target("disclosure.receiptrecord", _PERSON, keep=frozenset({"provider_name"})),
            Target("disclosure.datasubjectrequest", _PERSON),
        ),
        minimum=_disclosure_minimum,
    ),
)

KINDS_BY_CODE = {kind.code: kind for kind in KINDS}
# Kinds in the order they are anonymised: the person last (their id is what every other target is found by).
ORDER = [kind for kind in KINDS if kind.code != PERSON] + [KINDS_BY_CODE[PERSON]]


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.label) for kind in KINDS]


def targets() -> list[tuple[RecordKind, Target]]:
    return [(kind, target) for kind in KINDS for target in kind.targets if target.model is not None]


def is_free_text(model_field: models.Field) -> bool:
    """A column that may hold whatever someone typed: text without a fixed list of choices."""
    return (isinstance(model_field, models.CharField | models.TextField) and not model_field.choices
            and not model_field.primary_key)


def text_fields(target: Target) -> list[models.Field]:
    model = target.model
    return [f for f in model._meta.concrete_fields
            if f.name not in target.keep and (is_free_text(f) or f.name in target.replace)]


def file_fields(target: Target) -> list[models.FileField]:
    return [f for f in target.model._meta.concrete_fields if isinstance(f, models.FileField)]
