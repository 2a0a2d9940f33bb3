"""The REST API over persons, cases, support records, follow-ups, the directory, meetings and counts.

One code path with the pages: lists start from the policy (persons_for, cases_for, activities_for, of_center), one
object is read through get_*_or_404 (404 for another center, break-the-glass refused, the access-log row written),
lists write their 「一覧で表示」 row with log_listed, and every write is the pages' service function
(register_person, workflow.open_case, add_activity, update_follow_up…), which checks the policy itself and audits.
Which roles may call which action is the view rules of the pages (permissions.FollowsPolicyRule)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from yorisoi.cases.models import OPEN_PHASES, Phase
from yorisoi.common.forms import MAX_ID
from yorisoi.meetings import selectors as meeting_selectors
from yorisoi.partners import selectors as partner_selectors
from yorisoi.people import services as people_services
from yorisoi.privacy import policy
from yorisoi.privacy.audit import log_access
from yorisoi.privacy.models import AccessAction
from yorisoi.procedures import services as procedure_services
from yorisoi.procedures.models import FollowUp, FollowUpStatus
from yorisoi.records import services as record_services
from yorisoi.workflow import services as workflow

from . import queries, serializers

VERSION_REQUIRED = "版（version）を指定してください。読み込んだときの version をそのまま送ります。"


def _pk(value) -> int:
    """The id in the URL; a number no id column holds is a missing object (not an overflow in the database)."""
    pk = int(value)
    if not 1 <= pk <= MAX_ID:
        raise Http404("見つかりません。")
    return pk


def _version(values: dict) -> int:
    version = values.pop("version", None)
    if version is None:
        raise ApiValidationError({"version": [VERSION_REQUIRED]})
    return version


class PolicyViewSet(viewsets.GenericViewSet):
    """list / retrieve / create / update through the subclass's hooks; `rules` names the view rule per action."""

    rules: dict[str, str] = {}
    query_class = None
    list_section = ""
    serializer_class = None
    create_serializer_class = None
    update_serializer_class = None
    lookup_value_converter = "int"

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class:
            return self.create_serializer_class
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return self.serializer_class

    # hooks
    def scoped(self, values: dict):
        raise NotImplementedError

    def read_one(self, pk: int, action: str):
        raise NotImplementedError

    # actions
    def list(self, request):
        values = queries.read(self.query_class, request) if self.query_class else {}
        page = self.paginate_queryset(self.scoped(values))
        policy.log_listed(request, page, section=self.list_section)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.serializer_class(self.read_one(_pk(pk), "view"), context=self.get_serializer_context())
                        .data)


class _Updates:
    """Create and update through the area's service: each viewset says how in save_new and save_update."""

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("version", None)
        saved = self.save_new(values)
        return Response(self.serializer_class(saved, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial: bool):
        obj = self.read_one(_pk(pk), "edit")
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        saved = self.save_update(obj, _version(values), values)
        return Response(self.serializer_class(saved, context=self.get_serializer_context()).data)


# --- persons -----------------------------------------------------------------------------------------------------


class PersonViewSet(_Updates, PolicyViewSet):
    doc_label = "対象者"
    rules = {"list": "persons.view", "retrieve": "persons.view", "create": "persons.register",
             "update": "persons.edit", "partial_update": "persons.edit"}
    serializer_class = serializers.PersonSerializer
    create_serializer_class = serializers.PersonCreateSerializer
    query_class = queries.PersonQuery
    list_section = "api_persons"

    def scoped(self, values):
        qs = policy.persons_for(self.request.user).order_by("id")
        if values["updated_since"]:
            qs = qs.filter(updated_at__date__gte=values["updated_since"])
        return qs

    def read_one(self, pk, action):
        return policy.get_person_or_404(self.request, pk, action, section="api_person")[0]

    def save_new(self, values):
        seen = values.pop("same_name_seen", ())
        return people_services.register_person(actor=self.request.user, request=self.request, same_name_seen=seen,
                                               **values)

    def save_update(self, person, version, values):
        return people_services.update_person(actor=self.request.user, person=person, expected_version=version,
                                             request=self.request, **values)


# --- cases ---------------------------------------------------------------------------------------------------------


class CaseViewSet(_Updates, PolicyViewSet):
    doc_label = "支援ケース"
    rules = {"list": "cases.view", "retrieve": "cases.view", "create": "cases.open",
             "update": "cases.edit", "partial_update": "cases.edit"}
    serializer_class = serializers.CaseSerializer
    update_serializer_class = serializers.CaseUpdateSerializer
    query_class = queries.CaseQuery
    list_section = "api_cases"

    def scoped(self, values):
        user = self.request.user
        qs = policy.cases_for(user).select_related("person").order_by("-id")
        if values["phase"]:
            qs = qs.filter(phase=values["phase"])
        if values["person"]:
            qs = qs.filter(person_id=values["person"])
        if values["mine"]:
            qs = qs.filter(Q(main_staff=user) | Q(sub_staff=user))
        return qs

    def read_one(self, pk, action):
        return policy.get_case_or_404(self.request, pk, action, section="api_case")[0]

    def save_new(self, values):
        person = values.pop("person")
        return workflow.open_case(actor=self.request.user, person=person, request=self.request, **values)

    def save_update(self, case, version, values):
        return workflow.update_case(actor=self.request.user, case=case, expected_version=version,
                                    request=self.request, **values)


# --- support records -------------------------------------------------------------------------------------------------


class ActivityViewSet(_Updates, PolicyViewSet):
    doc_label = "支援経過記録"
    rules = {"list": "records.read", "retrieve": "records.read", "create": "records.write",
             "update": "records.write", "partial_update": "records.write"}
    serializer_class = serializers.ActivitySerializer
    update_serializer_class = serializers.ActivityUpdateSerializer
    query_class = queries.ActivityQuery
    list_section = "api_activities"

    def scoped(self, values):
        qs = policy.activities_for(self.request.user).order_by("-occurred_at", "-id")
        for name in ("case", "person", "kind"):
            if values[name]:
                qs = qs.filter(**{name: values[name]})
        if values["since"]:
            qs = qs.filter(occurred_at__date__gte=values["since"])
        if values["until"]:
            qs = qs.filter(occurred_at__date__lte=values["until"])
        return qs

    def read_one(self, pk, action):
        return policy.get_activity_or_404(self.request, pk, "view" if action == "view" else "add_record")[0]

    def save_new(self, values):
        values.pop("change_reason", None)
        case = values.pop("case")
        return record_services.add_activity(actor=self.request.user, case=case, request=self.request, **values)

    def save_update(self, activity, version, values):
        reason = values.pop("change_reason", "")
        return record_services.correct_activity(actor=self.request.user, activity=activity, expected_version=version,
                                                change_reason=reason, request=self.request, **values)


# --- follow-ups ------------------------------------------------------------------------------------------------------


class FollowUpViewSet(_Updates, PolicyViewSet):
    doc_label = "フォローアップ"
    rules = {"list": "procedures.view", "retrieve": "procedures.view", "create": "procedures.write",
             "update": "procedures.write", "partial_update": "procedures.write", "complete": "records.write"}
    serializer_class = serializers.FollowUpSerializer
    update_serializer_class = serializers.FollowUpUpdateSerializer
    query_class = queries.FollowUpQuery
    list_section = "api_follow_ups"

    def scoped(self, values):
        user = self.request.user
        qs = (policy.of_center(FollowUp, user).filter(case__in=policy.cases_for(user))
              .select_related("case").order_by("due_date", "id"))
        if values["case"]:
            qs = qs.filter(case_id=values["case"])
        if values["status"]:
            qs = qs.filter(status=values["status"])
        if values["due_from"]:
            qs = qs.filter(due_date__gte=values["due_from"])
        if values["due_until"]:
            qs = qs.filter(due_date__lte=values["due_until"])
        return qs

    def read_one(self, pk, action):
        """The follow-up of the caller's center, read through its case (404, break-the-glass and the log row as
        for the case's pages)."""
        follow_up = policy.of_center(FollowUp, self.request.user).filter(pk=pk).first()
        if follow_up is None:
            raise Http404("フォローアップが見つかりません。")
        case = policy.get_case_or_404(self.request, follow_up.case_id, action, section="api_follow_up")[0]
        follow_up.case = case
        return follow_up

    def save_new(self, values):
        return procedure_services.add_follow_up(
            actor=self.request.user, case=values["case"], target=values["target"], due_date=values["due_date"],
            organization=values.get("organization"), notes=values.get("notes", ""), request=self.request)

    def save_update(self, follow_up, version, values):
        return procedure_services.update_follow_up(actor=self.request.user, follow_up=follow_up,
                                                   expected_version=version, request=self.request, **values)

    @extend_schema(request=serializers.FollowUpCompleteSerializer, responses=serializers.FollowUpSerializer,
                   summary="記録して完了", description="連絡の支援経過記録を書き、フォローアップを完了にします（両方"
                   "または何もしない）。version は読み込んだときのフォローアップの版で、古ければ 409 です。")
    def complete(self, request, pk=None):
        """The pages' 「記録して完了」 (complete_follow_up_with_record): the record and the completion together."""
        follow_up = self.read_one(_pk(pk), "edit")
        serializer = serializers.FollowUpCompleteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        done, _record = procedure_services.complete_follow_up_with_record(
            actor=request.user, follow_up=follow_up, expected_version=_version(values), request=request, **values)
        return Response(self.serializer_class(done, context=self.get_serializer_context()).data)


# --- directory and meetings ----------------------------------------------------------------------------------------


class OrganizationViewSet(PolicyViewSet):
    """The directory holds organizations, not persons: no access-log row, as on the directory pages."""

    doc_label = "関係機関"
    rules = {"list": "directory.view", "retrieve": "directory.view"}
    serializer_class = serializers.OrganizationSerializer
    query_class = queries.OrganizationQuery

    def list(self, request):
        values = queries.read(self.query_class, request)
        qs = partner_selectors.organizations_for(request.user).select_related("kind").order_by("name_kana", "id")
        if values["name"]:
            qs = qs.filter(name__contains=values["name"])
        if values["kind"]:
            qs = qs.filter(kind_id=values["kind"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def read_one(self, pk, action):
        return partner_selectors.get_organization_or_404(self.request, pk)


class MeetingViewSet(PolicyViewSet):
    doc_label = "会議"
    rules = {"list": "meetings.view", "retrieve": "meetings.view"}
    serializer_class = serializers.MeetingSerializer
    query_class = queries.MeetingQuery

    def list(self, request):
        values = queries.read(self.query_class, request)
        qs = meeting_selectors.meeting_list(user=request.user, kind=values["kind"]).order_by("-date", "-id")
        if values["since"]:
            qs = qs.filter(date__gte=values["since"])
        if values["until"]:
            qs = qs.filter(date__lte=values["until"])
        page = self.paginate_queryset(qs)
        policy.log_listed(request, [case for meeting in page for case in meeting.shown_cases],
                          section="api_meetings")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def read_one(self, pk, action):
        meeting = meeting_selectors.get_meeting_or_404(self.request, pk)
        policy.log_listed(self.request, meeting.shown_cases, section="api_meetings", obj=meeting, always=True)
        return meeting


# --- counts ----------------------------------------------------------------------------------------------------------


class StatisticsView(APIView):
    """Counts of what the caller may see (the outcome report adds more)."""

    doc_label = "件数の集計"
    rules = {"get": "statistics.view"}

    @extend_schema(responses=serializers.StatisticsSerializer, summary="件数の集計")
    def get(self, request):
        user = request.user
        cases = policy.cases_for(user)
        by_phase = dict(cases.order_by().values_list("phase").annotate(n=Count("id")))
        overdue = (policy.of_center(FollowUp, user).filter(case__in=cases, status=FollowUpStatus.SCHEDULED,
                                                           due_date__lt=timezone.localdate()).count())
        log_access(request=request, action=AccessAction.VIEW, section="api_statistics", detail="counts")
        data = {"persons": policy.persons_for(user).count(),
                "open_cases": sum(n for phase, n in by_phase.items() if phase in OPEN_PHASES),
                "cases_by_phase": {phase: by_phase.get(phase, 0) for phase in Phase.values},
                "follow_ups_overdue": overdue}
        return Response(serializers.StatisticsSerializer(data).data)

