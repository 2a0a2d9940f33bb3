import pytest

from yorisoi.cases.tests.factories import CaseFactory
from yorisoi.partners.tests.factories import ContactFactory, OrganizationFactory
from yorisoi.people.tests.factories import PersonFactory


@pytest.fixture
def case(center, worker):
    """A case of `center` in the worker's charge, in 一時受入."""
    return CaseFactory(person=PersonFactory(center=center), main_staff=worker, phase="temporary")


@pytest.fixture
def contacts(center):
    """Two contacts of two agencies in the center's directory."""
    probation = OrganizationFactory(center=center, name="テスト保護観察所")
    welfare = OrganizationFactory(center=center, name="テスト市福祉事務所")
    return [ContactFactory(organization=probation, name="観察 一郎"), ContactFactory(organization=welfare,
                                                                                    name="福祉 花子")]
