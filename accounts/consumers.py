from kalpla.consumers import KalplaConsumer
from kalpla.realtime import user_group


class MeConsumer(KalplaConsumer):
    """/ws/me/: the signed-in user's personal event stream."""

    async def groups_for(self) -> list[str]:
        return [user_group(self.user.pk)]
