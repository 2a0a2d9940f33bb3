"""Twenty simultaneous registrations of one new name: exactly one person, the others are asked to confirm.

Real threads, each with its own connection and session, start together and post the same face sheet. The
same-name check and the insert are one step per center (common.locks.lock_center), so only the first
registration finds nobody; every other one finds that person and shows the confirmation instead."""

import threading

import pytest
from django.db import connection, connections, transaction

from conftest import verified_client
from yorisoi.accounts.models import Role
from yorisoi.accounts.tests.factories import StaffFactory
from yorisoi.common.locks import lock_center
from yorisoi.people.models import Person

from .helpers import BASE_POST

TRIES = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the in-memory shared-cache SQLite test database answers 'table is locked' to concurrent "
                           "writers instead of queuing them as a file database with IMMEDIATE transactions does")
def test_twenty_simultaneous_registrations_of_one_name_give_one_person(center):
    clients = [verified_client(StaffFactory(center=center, role=Role.WORKER, username=f"race{i}"))
               for i in range(TRIES)]
    start = threading.Barrier(TRIES)
    answers, errors = [], []

    def register(client):
        try:
            start.wait(timeout=60)
            response = client.post("/people/new/", {**BASE_POST, "phone": "090-0000-0000"})
            answers.append((response.status_code, 'id="same-name"' in response.content.decode()))
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert Person.objects.filter(center=center, family_name="架空", given_name="一郎").count() == 1
    assert sorted(answers) == [(200, True)] * (TRIES - 1) + [(302, False)]  # one saved, the others asked


@pytest.mark.django_db(transaction=True)
def test_the_center_lock_is_taken_inside_the_transaction_of_the_check_and_the_insert(center):
    with pytest.raises(RuntimeError):
        lock_center(center.pk, purpose="person_registration")  # outside a transaction it would protect nothing
    with transaction.atomic():
        lock_center(center.pk, purpose="person_registration")
