"""A small threaded HTTP server on loopback that routes to a stand-in's methods."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

logger = logging.getLogger(__name__)

# (status, content type, body, extra headers)
Answer = tuple[int, str, bytes, dict[str, str]]
Route = Callable[[str, dict[str, str], bytes], Answer]


def json_answer(data: Any, status: int = 200) -> Answer:
    return status, "application/json", json.dumps(data).encode(), {}


def redirect_answer(location: str) -> Answer:
    return 303, "text/plain", b"", {"Location": location}


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class StandInServer:
    """Serves ``routes(method, path) -> handler`` on 127.0.0.1 in a background thread."""

    def __init__(self) -> None:
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self.requests: list[tuple[str, str]] = []

    def route(self, method: str, path: str) -> Route | None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        assert self.httpd is not None, "start() it first"
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self, port: int = 0) -> StandInServer:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                stand_in.requests.append((self.command, path))
                handler = stand_in.route(self.command, path)
                if handler is None:
                    answer = json_answer({"error": {"message": f"No route {path}"}}, 404)
                else:
                    answer = handler(path, dict(self.headers.items()), body)
                status, content_type, payload, headers = answer
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                logger.debug(format, *args)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


def post_later(url: str, body: bytes, headers: dict[str, str], delay: float) -> threading.Thread:
    """POST ``body`` to ``url`` after ``delay`` seconds, in the background (a webhook)."""

    def send() -> None:
        time.sleep(delay)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                logger.debug("webhook to %s answered %s", url, response.status)
        except OSError as exc:
            logger.warning("webhook to %s failed: %s", url, exc)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread
