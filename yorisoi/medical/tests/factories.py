import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from yorisoi.medical.models import Appointment, CheckKind, HealthCheck, Medication, UrgentRoute
from yorisoi.people.tests.factories import PersonFactory


class _OfPerson(DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    center = factory.SelfAttribute("person.center")
    organization_name = "架空クリニック"


class MedicationFactory(_OfPerson):
    class Meta:
        model = Medication

    name = "架空錠5mg"
    dosage = "1日1回 朝食後"
    prescribed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    days_supplied = 28
    supply_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=20))


class AppointmentFactory(_OfPerson):
    class Meta:
        model = Appointment

    on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    at = dt.time(10, 0)
    purpose = "定期受診と処方"


class HealthCheckFactory(_OfPerson):
    class Meta:
        model = HealthCheck

    kind = CheckKind.SPECIFIC
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))


class UrgentRouteFactory(_OfPerson):
    class Meta:
        model = UrgentRoute

    when = "夜間・休日"
    phone = "048-000-0119"
