"""The vocabulary of the access policy: staff roles and a center's case visibility.

They live here, below accounts, because every rule in policy.py is written in these words; accounts.Staff and
accounts.Center store them (accounts.models imports them from here).
The policy names the user model through Django's get_user_model() and the models it scopes by app label
(`subject_model`), never by import, so that accounts and the domain apps build on the policy and not the
reverse. The fields it relies on are its contract with them: every scoped row has `center` and `deleted_at`;
a case has `person`, `main_staff` and `sub_staff`; a person has `created_by`; a support record has `case`
and `person`; a trainee has `account`, `center`, `starts_on`, `ends_on`, `pledge_signed_on`, `pledge_file` and
`ended_at`; a trainee's assignment has `trainee`, `case`, `center`, `shows_justice` and `revoked_at`.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

# The signed-in user (accounts.Staff), named by its base class: the policy sits below accounts.
Actor = AbstractBaseUser


class Role(models.TextChoices):
    DIRECTOR = "director", "管理者"
    WORKER = "worker", "相談員"
    CLERK = "clerk", "事務"
    AUDITOR = "auditor", "閲覧"
    # A hosted trainee from another center (実習生): a time-limited account that sees only the cases the director
    # assigned, reads and never writes (policy: trainee rules; office.Trainee holds the period and the pledge).
    TRAINEE = "trainee", "実習生"


class CaseVisibility(models.TextChoices):
    ALL_STAFF = "all_staff", "センターの職員全員が全ケースを見られる"
    ASSIGNED = "assigned", "担当職員と管理者だけが見られる"


SUBJECT_MODELS = {"person": "people.Person", "case": "cases.Case", "activity": "records.Activity",
                  "approver_delegation": "planning.ApproverDelegation",
                  "trainee": "office.Trainee", "trainee_assignment": "office.TraineeAssignment"}


def subject_model(kind: str) -> type[models.Model]:
    """The model of a scoped kind of record ("person", "case", "activity")."""
    return apps.get_model(SUBJECT_MODELS[kind])
