import factory
from factory.django import DjangoModelFactory

from yorisoi.accounts.models import Center, Role, Staff

TEST_PASSWORD = "correct-horse-battery-staple-42"


class CenterFactory(DjangoModelFactory):
    class Meta:
        model = Center
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"テスト{n}地域生活定着支援センター")
    prefecture = "埼玉県"


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    center = factory.SubFactory(CenterFactory)
    role = Role.WORKER
    last_name = factory.Faker("last_name", locale="ja_JP")
    first_name = factory.Faker("first_name", locale="ja_JP")
    display_name = factory.LazyAttribute(lambda o: f"{o.last_name} {o.first_name}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
