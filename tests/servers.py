"""Real servers on 127.0.0.1 for the delivery channels: a recording HTTP robot and an SMTP server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Robot:
    """A ThreadingHTTPServer on a free port: records each POST and answers as told.

    `modes` is a list of answers used in turn (the last one repeats): "ok" (200 + errcode 0),
    "500", "404", "hang" (no answer until the test ends), "errcode" (200 + errcode 93000), "plain" (200, no JSON),
    "45009" (WeCom's rate-limit answer), "130101" (DingTalk's), "429" (HTTP Too Many Requests).
    `per_minute` K: like the real robots, after K accepted posts in the current minute every post is
    answered `45009` until `next_minute()`. `secret`: like a DingTalk robot set up with 加签, a post
    whose `timestamp`/`sign` do not match the secret is answered errcode 310000.
    `accepted` holds the bodies answered errcode 0 (what the group sees).
    """

    def __init__(self, *modes: str, per_minute: int | None = None, secret: str | None = None):
        self.modes = list(modes) or ["ok"]
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self.release = threading.Event()
        self.per_minute, self.secret, self.this_minute = per_minute, secret, 0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                robot.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                mode = robot.modes[min(len(robot.requests) - 1, len(robot.modes) - 1)]
                if mode == "hang":
                    robot.release.wait(10)
                    return
                if mode == "ok" and robot.secret is not None and not robot.signed(self.path):
                    mode = "310000"
                if mode == "ok" and robot.per_minute is not None and robot.this_minute >= robot.per_minute:
                    mode = "45009"
                status, answer = {"ok": (200, {"errcode": 0, "errmsg": "ok"}), "500": (500, {"error": "boom"}),
                                  "404": (404, {"error": "no such robot"}),
                                  "errcode": (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
                                  "45009": (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
                                  "130101": (200, {"errcode": 130101,
                                                   "errmsg": "send too fast, exceed 20 times per minute"}),
                                  "310000": (200, {"errcode": 310000, "errmsg": "sign not match"}),
                                  "429": (429, {"error": "too many requests"}),
                                  "plain": (200, None)}[mode]
                if answer and answer.get("errcode") == 0:
                    robot.this_minute += 1
                    robot.accepted.append(json.loads(body.decode("utf-8")))
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

    def signed(self, path: str) -> bool:
        """DingTalk's check: sign == urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        if len(query.get("timestamp", [])) != 1 or len(query.get("sign", [])) != 1:
            return False
        if not query["timestamp"][0].isdigit() or abs(int(query["timestamp"][0]) - time.time() * 1000) > 3600_000:
            return False  # DingTalk refuses a timestamp more than an hour off
        to_sign = f"{query['timestamp'][0]}\n{self.secret}".encode()
        expected = base64.b64encode(hmac.new(self.secret.encode(), to_sign, hashlib.sha256).digest()).decode()
        return hmac.compare_digest(query["sign"][0], expected)  # parse_qs has undone the urlencoding

    def next_minute(self) -> None:
        self.this_minute = 0

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

    def make(*modes: str, **options) -> Robot:
        robots.append(Robot(*modes, **options))
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
