"""The replica router (DATABASE_REPLICA_URL): lag-tolerant reads go to the replica, nothing else does."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from yorisoi.accounts.models import Center
from yorisoi.common.replica import ReplicaRouter, replica_reads

# The router only reads settings.DATABASES; no connection to the "replica" alias is ever opened here.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
WITH_REPLICA = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


def test_without_a_replica_the_router_leaves_every_choice_to_django():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Center) is None
    assert router.db_for_write(Center) is None
    assert router.allow_migrate("default", "accounts") is None


@override_settings(DATABASES=WITH_REPLICA)
def test_reads_go_to_the_replica_only_inside_a_block_that_tolerates_lag():
    router = ReplicaRouter()
    assert router.db_for_read(Center) is None
    with replica_reads():
        assert router.db_for_read(Center) == "replica"
    assert router.db_for_read(Center) is None


@override_settings(DATABASES=WITH_REPLICA)
def test_a_decorated_function_reads_from_the_replica():
    router = ReplicaRouter()

    @replica_reads()
    def report():
        return router.db_for_read(Center)

    assert report() == "replica"
    assert router.db_for_read(Center) is None


@pytest.mark.django_db
@override_settings(DATABASES=WITH_REPLICA)
def test_reads_inside_a_transaction_stay_on_the_primary_so_a_page_sees_its_own_writes_and_locks():
    router = ReplicaRouter()
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Center) == "default"


@override_settings(DATABASES=WITH_REPLICA)
def test_writes_and_migrations_never_go_to_the_replica():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(Center) == "default"
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is None


def test_the_settings_add_the_replica_and_the_router_only_when_the_url_is_set():
    source = (settings.BASE_DIR / "config" / "settings" / "base.py").read_text()
    assert 'if os.environ.get("DATABASE_REPLICA_URL"):' in source
    assert "yorisoi.common.replica.ReplicaRouter" in source
    assert "replica" not in settings.DATABASES
