import datetime as dt

import factory
from factory.django import DjangoModelFactory

from yorisoi.office.models import (
    Device,
    DeviceKind,
    Incident,
    IncidentKind,
    PaperFile,
    Qualification,
    StaffMember,
    Trip,
    Vehicle,
    VehicleEvent,
)
from yorisoi.people.tests.factories import PersonFactory


class StaffMemberFactory(DjangoModelFactory):
    class Meta:
        model = StaffMember

    name = factory.Sequence(lambda n: f"職員 {n}郎")
    job = "counselor"
    employment_type = "full_time"


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification

    staff_member = factory.SubFactory(StaffMemberFactory)
    kind = "social_worker"
    registration_number = "123456"
    registered_on = dt.date(2015, 4, 1)


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle

    name = factory.Sequence(lambda n: f"{n + 1}号車")
    registration_number = factory.Sequence(lambda n: f"大宮 500 あ {n + 10:02d}-00")
    business_use = True
    inspection_due = dt.date(2027, 6, 30)


class TripFactory(DjangoModelFactory):
    class Meta:
        model = Trip

    vehicle = factory.SubFactory(VehicleFactory)
    center = factory.SelfAttribute("vehicle.center")
    date = dt.date(2026, 11, 10)
    purpose = "同行支援"
    destination = "テスト市福祉事務所"
    odometer_start = 1000
    odometer_end = 1020
    pre_check_result = "none"
    pre_check_method = "detector_face"
    post_check_result = "none"
    post_check_method = "detector_face"
    pre_checker = factory.SelfAttribute("driver")
    post_checker = factory.SelfAttribute("driver")


class VehicleEventFactory(DjangoModelFactory):
    class Meta:
        model = VehicleEvent

    vehicle = factory.SubFactory(VehicleFactory)
    center = factory.SelfAttribute("vehicle.center")
    kind = "near_miss"
    occurred_at = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC)
    description = "交差点で自転車が飛び出した（架空）"


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    kind = DeviceKind.PHONE
    label = factory.Sequence(lambda n: f"携帯{n + 1}")
    screen_lock = True
    encrypted = True
    remote_wipe = True


class PaperFileFactory(DjangoModelFactory):
    class Meta:
        model = PaperFile

    person = factory.SubFactory(PersonFactory)
    center = factory.SelfAttribute("person.center")
    label = factory.Sequence(lambda n: f"F-{n + 1:03d}")
    cabinet = "書庫A"


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = Incident

    kind = IncidentKind.LOST_DEVICE
    discovered_at = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    description = "外出先で携帯電話を紛失（架空）"


def hosted_trainee(director, *, cases=(), starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 11),
                   pledge: bool = True, shows_justice: bool = False, username: str = "trainee", home_organization=None):
    """A trainee hosted by `director`'s center through the services (the pledge on file unless `pledge=False`), with
    `cases` assigned. Dates are the period; call under time_machine inside it (assignments need a current period)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yorisoi.accounts.tests.factories import TEST_PASSWORD
    from yorisoi.office import trainees

    upload = SimpleUploadedFile("誓約書.pdf", b"%PDF-1.4 pledge", content_type="application/pdf") if pledge else None
    trainee = trainees.host_trainee(
        actor=director, username=username, password=TEST_PASSWORD, name="実習 花子",
        home_center_name="隣県地域生活定着支援センター", home_organization=home_organization, starts_on=starts_on,
        ends_on=ends_on, pledge_signed_on=starts_on if pledge else None, pledge_upload=upload)
    for case in cases:
        trainees.assign_case(actor=director, trainee=trainee, case=case, shows_justice=shows_justice)
    return trainee
