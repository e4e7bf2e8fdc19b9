"""Sockets' frames go out without a look at the session; an HTTP answer through the same
middleware still saves a changed session and sets its cookie, as channels does."""

from typing import Any

from kalpla.ws_auth import _SocketSessionWrapper


class Untouchable:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the session was read ({name})")


async def test_a_sockets_frames_skip_the_session():
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    wrapper = _SocketSessionWrapper({"type": "websocket", "cookies": {}}, send)
    wrapper.activated = True
    wrapper.scope["session"] = Untouchable()
    frames = [
        {"type": "websocket.accept"},
        {"type": "websocket.send", "text": "{}"},
        {"type": "websocket.close", "code": 1000},
    ]
    for frame in frames:
        await wrapper.send(frame)
    assert sent == frames


async def test_an_http_answer_still_saves_a_changed_session():
    sent: list[dict] = []
    saved: list[bool] = []

    async def send(message: dict) -> None:
        sent.append(message)

    class Changed:
        modified = True

        def is_empty(self) -> bool:
            return False

        def get_expire_at_browser_close(self) -> bool:
            return True

        session_key = "k"

    wrapper = _SocketSessionWrapper({"type": "http", "cookies": {}}, send)
    wrapper.activated = True
    wrapper.scope["session"] = Changed()

    async def save_session() -> None:
        saved.append(True)

    wrapper.save_session = save_session  # type: ignore[method-assign]
    await wrapper.send({"type": "http.response.start", "status": 200, "headers": []})
    assert saved == [True]
    assert any(name == b"Set-Cookie" for name, _value in sent[0]["headers"])
