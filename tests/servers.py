"""Real servers on 127.0.0.1 for the delivery channels: a recording HTTP robot and an SMTP server."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Robot:
    """A ThreadingHTTPServer on a free port: records each POST and answers as told.

    `modes` is a list of answers used in turn (the last one repeats): "ok" (200 + errcode 0),
    "500", "404", "hang" (no answer until the test ends), "errcode" (200 + errcode 93000), "plain" (200, no JSON).
    """

    def __init__(self, *modes: str):
        self.modes = list(modes) or ["ok"]
        self.requests: list[dict] = []
        self.release = threading.Event()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                robot.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                mode = robot.modes[min(len(robot.requests) - 1, len(robot.modes) - 1)]
                if mode == "hang":
                    robot.release.wait(10)
                    return
                status, answer = {"ok": (200, {"errcode": 0, "errmsg": "ok"}), "500": (500, {"error": "boom"}),
                                  "404": (404, {"error": "no such robot"}),
                                  "errcode": (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
                                  "plain": (200, None)}[mode]
                data = b"hello" if answer is None else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=SECRET-KEY-123"

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"].decode("utf-8")) for r in self.requests]

    def raw(self) -> str:
        return "\n".join(r["body"].decode("utf-8") for r in self.requests)

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot_factory():
    robots: list[Robot] = []

    def make(*modes: str) -> Robot:
        robots.append(Robot(*modes))
        return robots[-1]

    yield make
    for robot in robots:
        robot.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = Collector()
    logins: list[tuple[bytes, bytes, int]] = []  # (user, password, which SMTP session)

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, id(session)))
        return AuthResult(success=auth_data.password == b"right-password", handled=False)  # False: reply 535

    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    handler.port, handler.logins = controller.port, logins
    yield handler
    controller.stop()
