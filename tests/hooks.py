"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 that records every request.

Each path answers from its own script — a status (``200``), a status with headers
(``(429, {"Retry-After": "3"})``) or :data:`HANG` (accept the request, never answer) —
one answer per request, the last repeating. Paths carry a token like real webhook URLs
(``/hook/ok/T0KEN…``), so tests can check that it never appears in output.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG = "hang"
#: Answer 200 after this many seconds (a receiver that takes its time).
SLOW = "slow:"
Answer = int | tuple[int, dict[str, str]] | str


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Hooks:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._scripts: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                answer = hooks._record(self.path, dict(self.headers.items()), body)
                if answer == HANG:
                    hooks._release.wait(10)
                    self.close_connection = True
                    return
                if isinstance(answer, str) and answer.startswith(SLOW):
                    hooks._release.wait(float(answer.removeprefix(SLOW)))
                    answer = 200
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(int(status))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def script(self, path: str, *answers: Answer) -> str:
        """Set how ``path`` answers; returns its full URL."""
        self._scripts[path] = list(answers)
        return self.url(path)

    def received(self, path: str) -> list[Received]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        with self._lock:
            self.requests.append(Received(path, headers, body))
            script = self._scripts.get(path, [404])
            return script.pop(0) if len(script) > 1 else script[0]

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
