"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the S3 server.

It shows what moto alone cannot: a connection reset halfway through a part, a store answering
503 SlowDown (or any S3 error), a byte flipped in an uploaded body. Every request is logged, so
tests can bound how many were made.
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "te",
              "upgrade"}


@dataclass
class Fault:
    kind: str                       # "reset" | "status" | "flip" | "delay"
    method: str | None = None       # only requests with this method
    contains: str | None = None     # only requests whose path (with query) contains this
    header_prefix: str | None = None  # only requests carrying a header starting with this
    times: int | None = 1           # None: every matching request
    status: int = 503
    code: str = "SlowDown"
    message: str = "Please reduce your request rate."
    seconds: float = 0.5            # "delay": how long a slow store takes before it answers
    hits: int = 0

    def matches(self, method: str, path: str, headers) -> bool:
        if self.method and method != self.method:
            return False
        if self.contains and self.contains not in path:
            return False
        if self.header_prefix and not any(k.lower().startswith(self.header_prefix) for k in headers):
            return False
        return self.times is None or self.hits < self.times


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    outcome: str   # "forwarded 200", "reset", "status 503", "flipped 200"


class FaultProxy:
    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.faults: list[Fault] = []
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def take(self, method: str, path: str, headers) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path, headers):
                    fault.hits += 1
                    return fault
        return None

    def record(self, method: str, path: str, outcome: str) -> None:
        with self._lock:
            self.log.append(Logged(method, path, outcome))

    def requests(self, method: str | None = None, contains: str = "") -> list[Logged]:
        with self._lock:
            return [e for e in self.log if (method is None or e.method == method) and contains in e.path]

    def __enter__(self) -> "FaultProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and `Expect: 100-continue`, as botocore uses them

    def log_message(self, format, *args) -> None:  # the proxy's own log is `FaultProxy.log`
        pass

    def do_GET(self):
        self._handle()

    do_PUT = do_POST = do_HEAD = do_DELETE = do_GET

    def _handle(self) -> None:
        proxy: FaultProxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        fault = proxy.take(self.command, self.path, self.headers.keys())
        if fault and fault.kind == "reset":
            self.rfile.read(length // 2)  # mid-body, like a dropped connection during a part
            proxy.record(self.command, self.path, "reset")
            self._reset()
            return
        body = self.rfile.read(length) if length else b""
        if fault and fault.kind == "status":
            proxy.record(self.command, self.path, f"status {fault.status}")
            self._error(fault)
            return
        outcome = "forwarded"
        if fault and fault.kind == "delay":
            time.sleep(fault.seconds)
            outcome = "delayed"
        if fault and fault.kind == "flip" and body:
            flipped = bytearray(body)
            flipped[len(flipped) // 2] ^= 0x01
            body, outcome = bytes(flipped), "flipped"
        status, headers, data = self._forward(body)
        # Logged before the client gets its answer, so the log's order is the client's order.
        proxy.record(self.command, self.path, f"{outcome} {status}")
        self._respond(status, headers, data)

    def _forward(self, body: bytes) -> tuple[int, list, bytes]:
        host, port = self.server.proxy.upstream
        connection = http.client.HTTPConnection(host, port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _respond(self, status: int, headers: list, data: bytes) -> None:
        self.send_response(status)
        has_length = False
        for key, value in headers:
            if key.lower() in HOP_BY_HOP or key.lower() in ("date", "server"):
                continue
            has_length = has_length or key.lower() == "content-length"
            self.send_header(key, value)
        if not has_length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, fault: Fault) -> None:
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{fault.code}</Code>'
                f"<Message>{fault.message}</Message><RequestId>FAULT</RequestId></Error>").encode()
        self.send_response(fault.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", "0" if self.command == "HEAD" else str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset(self) -> None:
        # SO_LINGER 0: close() sends RST instead of FIN, as a dropped link or a killed peer does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
