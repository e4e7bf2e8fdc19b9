import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async

from kalpla.consumers import KalplaConsumer
from kalpla.realtime import user_group
from kalpla.streams import STREAM_RENEW, stream_leave, stream_touch

logger = logging.getLogger(__name__)


class MeConsumer(KalplaConsumer):
    """/ws/me/: the signed-in user's personal event stream.

    While it is open the socket is listed as the user's stream (``kalpla.streams``), so
    pushes meant only for a live screen reach it; it renews the listing itself.
    """

    _renewal: "asyncio.Task[None] | None" = None

    async def groups_for(self) -> list[str]:
        return [user_group(self.user.pk)]

    async def ready(self) -> None:
        await self._touch()
        self._renewal = asyncio.create_task(self._renew())

    async def _touch(self) -> None:
        await sync_to_async(stream_touch, thread_sensitive=False)(
            user_id=self.user.pk, socket=self.channel_name
        )

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(STREAM_RENEW)
            try:
                await self._touch()
            except Exception:
                logger.exception("stream renewal failed")

    async def disconnect(self, code: int) -> None:
        if self._renewal is not None:
            self._renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewal
        if self.user is not None and getattr(self, "joined", None):
            try:
                await sync_to_async(stream_leave, thread_sensitive=False)(
                    user_id=self.user.pk, socket=self.channel_name
                )
            except Exception:
                logger.exception("stream leave failed")
        await super().disconnect(code)
