from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_roles_set

DEMO_PASSWORD = "kalpla-demo-pass"

DEMO_USERS: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("student@example.com", "Asha Student", (Role.STUDENT,)),
    ("mentor@example.com", "Ravi Mentor", (Role.MENTOR,)),
    ("moderator@example.com", "Meera Moderator", (Role.MODERATOR,)),
    ("admin@example.com", "Arjun Admin", (Role.ADMIN,)),
)


def seed_demo_users() -> list[User]:
    users = []
    for email, name, roles in DEMO_USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        if Role.ADMIN in roles:
            user.is_staff = user.is_superuser = True
        user.save()
        user_roles_set(user=user, roles=roles)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    return users
