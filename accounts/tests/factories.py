from typing import Any

import factory
from allauth.account.models import EmailAddress

from accounts.models import ApiKey, User, hash_api_key
from accounts.roles import Role
from accounts.services import user_roles_set

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: tuple[str, ...] | None, **kwargs: object) -> None:
        if create:
            user_roles_set(user=self, roles=tuple(Role(r) for r in (extracted or ("Student",))))

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """An active key; its raw secret (never stored) is on ``key.raw``."""

    class Meta:
        model = ApiKey

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Key {n}")
    secret = factory.LazyFunction(ApiKey.generate)

    @classmethod
    def _create(cls, model_class: type[ApiKey], *args: Any, **kwargs: Any) -> ApiKey:
        prefix, raw = kwargs.pop("secret")
        key = model_class.objects.create(prefix=prefix, hashed_key=hash_api_key(raw), **kwargs)
        setattr(key, "raw", raw)
        return key
