"""What the API shows and accepts. Writable fields are exactly the fields the services accept (and the services
check them again); a clerk's persons have no health or justice fields at all, as on the face sheet."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yorisoi.accounts.models import Staff
from yorisoi.cases.models import Case, ClosureOutcome
from yorisoi.cases.services import CASE_FIELDS
from yorisoi.common import dates
from yorisoi.common.forms import MAX_ID
from yorisoi.meetings.models import Meeting
from yorisoi.partners.models import Organization
from yorisoi.people.models import Person
from yorisoi.people.services import BASIC_FIELDS, HEALTH_FIELDS, JUSTICE_FIELDS
from yorisoi.privacy import policy
from yorisoi.procedures.models import FollowUp
from yorisoi.records.models import Activity
from yorisoi.records.services import ACTIVITY_FIELDS


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class RuledDateField(serializers.DateField):
    """A date within the model field's date rule (common/dates.py), refused with its Japanese message before any
    service does date arithmetic with it (9999-12-31 + 30 days)."""

    def __init__(self, *, rule: str, label: str, **kwargs):
        self.rule, self.rule_label = rule, label
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not dates.in_range(day, self.rule):
            raise serializers.ValidationError(dates.out_of_range_message(self.rule_label, self.rule))
        return day


class RuledDateTimeField(serializers.DateTimeField):
    def __init__(self, *, rule: str, label: str, **kwargs):
        self.rule, self.rule_label = rule, label
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not dates.in_range(moment, self.rule):
            raise serializers.ValidationError(dates.out_of_range_message(self.rule_label, self.rule, with_time=True))
        return moment


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id of a row the caller may use (`scope(user)`), never another center's; a number no id column holds is
    refused like an unknown id (not an overflow in the database)."""

    def __init__(self, *, scope, model, **kwargs):
        self.scope, self.model = scope, model
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model.objects.none()
        super().__init__(**kwargs)

    def get_queryset(self):
        user = _user(self)
        return self.scope(user) if user is not None else self.model.objects.none()

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).isdecimal() \
                or not 1 <= int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=str(data)[:20])
        return super().to_internal_value(int(data))


class ApiModelSerializer(serializers.ModelSerializer):
    """Date fields keep their model's date rule; choice and text fields are mapped as usual (Japanese labels)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        rule = dates.rule_of(model_field)
        if rule is not None and not kwargs.get("read_only"):
            kwargs.update(rule=rule, label=str(model_field.verbose_name))
            kwargs.pop("validators", None)
            field_class = RuledDateTimeField if issubclass(field_class, serializers.DateTimeField) else \
                RuledDateField
        return field_class, kwargs


# --- persons ---------------------------------------------------------------------------------------------------

SENSITIVE_PERSON_FIELDS = HEALTH_FIELDS + JUSTICE_FIELDS


class PersonSerializer(ApiModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "version", *BASIC_FIELDS, *HEALTH_FIELDS, *JUSTICE_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        # absent for a clerk: never required in an answer
        extra_kwargs = {"version": {"required": False, "min_value": 1},
                        **{name: {"required": False} for name in SENSITIVE_PERSON_FIELDS}}

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            access = policy.access_for(user)
            hidden = ([] if access.can_see_health else HEALTH_FIELDS) + \
                     ([] if access.can_see_justice else JUSTICE_FIELDS)
            for name in hidden:
                fields.pop(name, None)
        return fields


class PersonCreateSerializer(PersonSerializer):
    same_name_seen = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, write_only=True,
        max_length=100,
        help_text="同じ名前の人の候補（400 same_name で返された id）を確かめ、別人として登録するときに送る")

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "same_name_seen"]


# --- cases -----------------------------------------------------------------------------------------------------


def _staff(user):
    return policy.staff_for(user)


class CaseSerializer(ApiModelSerializer):
    person = ScopedPrimaryKeyField(scope=policy.persons_for, model=Person, help_text="対象者の id")
    main_staff = ScopedPrimaryKeyField(scope=_staff, model=Staff, required=False, allow_null=True)
    sub_staff = ScopedPrimaryKeyField(scope=_staff, model=Staff, required=False, allow_null=True)
    # read-only fields lose allow_blank in ModelSerializer: said here so the schema lists "" (an open case)
    closure_outcome = serializers.ChoiceField(choices=ClosureOutcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "version", "number", "person", "phase", *CASE_FIELDS, "end_date", "closure_outcome",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "number", "phase", "end_date", "closure_outcome", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False, "min_value": 1}}


class CaseUpdateSerializer(CaseSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True)


# --- support records -----------------------------------------------------------------------------------------------


class ActivitySerializer(ApiModelSerializer):
    case = ScopedPrimaryKeyField(scope=policy.cases_for, model=Case, help_text="支援ケースの id")
    change_reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500,
                                          help_text="訂正の理由（更新のとき）")

    class Meta:
        model = Activity
        fields = ["id", "version", "case", "person", *ACTIVITY_FIELDS, "author", "change_reason", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "person", "author", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False, "min_value": 1}}


class ActivityUpdateSerializer(ActivitySerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)


# --- follow-ups ------------------------------------------------------------------------------------------------


def _organizations(user):
    return policy.of_center(Organization, user)


class FollowUpSerializer(ApiModelSerializer):
    case = ScopedPrimaryKeyField(scope=policy.cases_for, model=Case, help_text="支援ケースの id")
    organization = ScopedPrimaryKeyField(scope=_organizations, model=Organization, required=False, allow_null=True)

    class Meta:
        model = FollowUp
        fields = ["id", "version", "case", "target", "organization", "interval_label", "due_date", "status",
                  "done_on", "activity", "notes", "created_at", "updated_at"]
        read_only_fields = ["id", "interval_label", "status", "done_on", "activity", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False, "min_value": 1}}


class FollowUpUpdateSerializer(FollowUpSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(FollowUpSerializer.Meta):
        read_only_fields = [f for f in FollowUpSerializer.Meta.read_only_fields if f != "status"]


class FollowUpCompleteSerializer(ApiModelSerializer):
    """記録して完了: the support record of the contact, and the follow-up's version as read."""

    version = serializers.IntegerField(min_value=1, help_text="読み込んだときのフォローアップの version")

    class Meta:
        model = Activity
        fields = ["version", *ACTIVITY_FIELDS]


# --- directory and meetings (read only) -----------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="kind.label", read_only=True)
    email = serializers.CharField(read_only=True, help_text="メールアドレス（空欄のこともある）")

    class Meta:
        model = Organization
        fields = ["id", "name", "name_kana", "kind", "kind_label", "department", "postal_code", "prefecture",
                  "municipality", "address_line", "phone", "fax", "email", "opening_hours", "service_kinds",
                  "capacity", "updated_at"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "14:00"})
class ClockTimeField(serializers.TimeField):
    """A time of day as 14:00 (Japan time, no offset): OpenAPI's format "time" would demand an offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingSerializer(serializers.ModelSerializer):
    start_time = ClockTimeField(read_only=True)
    end_time = ClockTimeField(read_only=True, allow_null=True)
    cases = serializers.SerializerMethodField(help_text="扱うケースのうち、見てよいものの id")

    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "date", "start_time", "end_time", "place", "online", "agenda", "cases",
                  "updated_at"]
        read_only_fields = fields

    def get_cases(self, meeting) -> list[int]:
        return [case.pk for case in getattr(meeting, "shown_cases", [])]


class StatisticsSerializer(serializers.Serializer):
    persons = serializers.IntegerField(help_text="見てよい対象者の数")
    open_cases = serializers.IntegerField(help_text="終結していないケースの数")
    cases_by_phase = serializers.DictField(child=serializers.IntegerField(), help_text="段階ごとのケースの数")
    follow_ups_overdue = serializers.IntegerField(help_text="予定日を過ぎたフォローアップの数")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="日本語のメッセージ")
    code = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.JSONField(), required=False, help_text="項目ごとのメッセージ")
    current_version = serializers.IntegerField(required=False, help_text="409 のとき：いまの版")
    same_name_candidates = serializers.ListField(child=serializers.IntegerField(), required=False)
