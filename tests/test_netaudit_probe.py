"""The read-only banner probe against fake devices on 127.0.0.1.

Each fake (a Hikvision camera's web server, the same over TLS with the camera's
self-signed certificate, a Dahua RTSP server, and servers that misbehave) runs in threads
on an ephemeral port, and records every request it receives, so that the tests can assert
what the probe asked as well as what it recorded: only GET of / and /favicon.ico, only
OPTIONS and DESCRIBE, and never an Authorization header.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import mmh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ports import free_port

from camwatch.netaudit import probe as probe_module
from camwatch.netaudit.probe import (
    DEFAULT_PORTS,
    ProbeResult,
    ProbeTarget,
    certificate_names,
    format_name,
    parse_target,
    probe,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

LOOPBACK = "127.0.0.1"
FAVICON = b"\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00" + b"camwatch fake favicon 0 " * 6
# Shodan's hash of FAVICON: signed, over base64 with a newline every 76 characters.
FAVICON_MMH3 = "-235894857"
SUBJECT = "/C=CN/ST=ZJ/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com"
SUBJECT_TEXT = "CN=www.hikvision.com, OU=DVRNVR, O=HIKVISION, L=HangZhou, ST=ZJ, C=CN"
DAHUA_REALM = 'Digest realm="Login to 2J0123PAZ00000", nonce="5a1bc2d3e4f5"'
HIK_LOGIN = "/doc/page/login.asp?_1700000000000"
TEN_MB = 10 * 1024 * 1024


# --- Fake servers --------------------------------------------------------------------


@dataclass
class Request:
    method: str
    target: str
    version: str
    headers: dict[str, str]


@dataclass
class Connection:
    """One accepted connection, as a fake's handler sees it."""

    sock: socket.socket
    server: FakeServer
    buffer: bytes = b""

    def read_request(self) -> Request | None:
        """The next request's head (recorded on the server), or None when the client
        closes or sends something that is not a request."""
        while b"\r\n\r\n" not in self.buffer:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        request = Request(method, target, version, headers)
        self.server.requests.append(request)
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


Handler = Callable[[Connection], None]


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class FakeServer:
    """A device on 127.0.0.1: `handler` speaks for it on each connection, in a thread."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Request] = []
        self.stopped = threading.Event()
        # What `answering` sends; a test (a Hypothesis example) may change it.
        self.payload = b""
        fake = self

        class _Handle(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                try:
                    if tls is not None:
                        sock = tls.wrap_socket(sock, server_side=True)
                    handler(Connection(sock, fake))
                except OSError:
                    pass  # the probe hung up (a cap or a timeout did its job)

        self._server = _TCPServer((LOOPBACK, 0), _Handle)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def target(self, scheme: str = "http") -> ProbeTarget:
        return ProbeTarget(LOOPBACK, self.port, scheme)


def http_response(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items())]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'>\n"
    b"<TITLE>\n  Hikvision &amp; Web\n  Client </TITLE></head>"
    b"<body><div id='login'>Please log in</div></body></html>"
)


def hikvision(mode: str) -> Handler:
    """Hikvision's embedded web server ("App-webs/"): / redirects to the login page,
    serves a page, or asks for Digest authentication; /favicon.ico is the icon."""

    def page(request: Request) -> bytes:
        server = {"Server": "App-webs/"}
        if request.target == "/favicon.ico":
            return http_response("200 OK", {**server, "Content-Type": "image/x-icon"}, FAVICON)
        if request.target != "/":
            return http_response("404 Not Found", server)
        if mode == "redirect":
            return http_response("302 Found", {**server, "Location": HIK_LOGIN})
        if mode == "auth":
            challenge = 'Digest qop="auth", realm="IP Camera(C1234)", nonce="abc", stale="FALSE"'
            body = b"<html><head><title>Document Error: Unauthorized</title></head></html>"
            return http_response(
                "401 Unauthorized", {**server, "WWW-Authenticate": challenge}, body
            )
        html = {**server, "Content-Type": "text/html; charset=utf-8"}
        return http_response("200 OK", html, PAGE)

    def handle(connection: Connection) -> None:
        request = connection.read_request()
        if request is not None:
            connection.send(page(request))

    return handle


def chunked_page(connection: Connection) -> None:
    if connection.read_request() is None:
        return
    head = b"HTTP/1.1 200 OK\r\nServer: lighttpd\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"<html><title>Chunked camera</title><body>" + b"x" * 300 + b"</body></html>"
    chunks = [body[i : i + 50] for i in range(0, len(body), 50)]
    encoded = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    connection.send(head + encoded)


def dahua_rtsp(connection: Connection) -> None:
    """Dahua's RTSP server: OPTIONS answered, DESCRIBE refused without credentials."""
    while (request := connection.read_request()) is not None:
        cseq = request.headers.get("cseq", "0")
        if request.method == "OPTIONS":
            headers = "Server: Dahua Rtsp Server\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n"
            connection.send(f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{headers}\r\n".encode())
        else:
            auth = f"WWW-Authenticate: {DAHUA_REALM}\r\n"
            reply = f"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\n{auth}\r\n"
            connection.send(reply.encode())


def silent(connection: Connection) -> None:
    """Accepts, and never answers."""
    connection.server.stopped.wait(30)


def dripping(connection: Connection) -> None:
    """Answers one byte at a time, each well within the read timeout, for ever."""
    connection.send(b"HTTP/1.1 200 OK\r\n")
    while not connection.server.stopped.wait(0.1):
        connection.send(b"X-Slow: 1\r\n")


def huge(connection: Connection) -> None:
    """A 10 MB answer to any request, sent until the client hangs up."""
    if connection.read_request() is None:
        return
    connection.send(b"HTTP/1.1 200 OK\r\nServer: flood\r\nContent-Length: %d\r\n\r\n" % TEN_MB)
    piece = b"<title>flood</title>" + b"A" * 65516
    for _ in range(TEN_MB // len(piece)):
        connection.send(piece)


def sending(payload: bytes) -> Handler:
    """Answers any request with these bytes, whatever they are, and hangs up."""

    def handle(connection: Connection) -> None:
        connection.read_request()
        connection.send(payload)

    return handle


def answering(connection: Connection) -> None:
    """Answers any request with the server's current payload, and hangs up."""
    connection.read_request()
    connection.send(connection.server.payload)


def lazy(connection: Connection) -> None:
    """Sends a head and part of a body without a length, then neither closes nor sends."""
    if connection.read_request() is not None:
        connection.send(b"HTTP/1.0 200 OK\r\nServer: lazy\r\n\r\n<title>half</title>")
        connection.server.stopped.wait(30)


def assert_read_only(requests: list[Request], methods: set[str]) -> None:
    assert requests, "the probe asked nothing"
    for request in requests:
        assert request.method in methods
        assert "authorization" not in request.headers
        assert "content-length" not in request.headers
        if request.method == "GET":
            assert request.target in ("/", "/favicon.ico")


def only(results: Iterator[ProbeResult]) -> ProbeResult:
    (result,) = list(results)
    return result


# --- Certificates --------------------------------------------------------------------


@pytest.fixture(scope="module")
def device_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate with a Hikvision NVR's subject: (certificate, key)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509  # noqa: F401
    except ImportError:
        subprocess.run(
            [
                *(
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                ),
                *("-nodes", "-days", "2", "-subj", SUBJECT, "-keyout", str(key), "-out", str(cert)),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    else:
        _make_certificate(cert, key)
    return cert, key


def _make_certificate(cert: Path, key: Path) -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "ZJ"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "HangZhou"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HIKVISION"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "DVRNVR"),
            x509.NameAttribute(NameOID.COMMON_NAME, "www.hikvision.com"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
def tls_server_context(device_certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*device_certificate)
    return context


# --- HTTP ----------------------------------------------------------------------------


def test_a_redirect_is_recorded_not_followed_and_the_favicon_hashed() -> None:
    with FakeServer(hikvision("redirect")) as camera:
        result = only(probe([camera.target()], timeout=5))
    assert result.error is None
    observation = result.observation
    assert observation is not None
    assert (observation.ip, observation.port, observation.source) == (
        LOOPBACK,
        camera.port,
        "probe",
    )
    assert observation.signals == {
        "http.server": "App-webs/",
        "http.location": HIK_LOGIN,
        "favicon.md5": hashlib.md5(FAVICON).hexdigest(),
        "favicon.mmh3": FAVICON_MMH3,
    }
    assert sorted(r.target for r in camera.requests) == ["/", "/favicon.ico"]
    assert_read_only(camera.requests, {"GET"})
    assert camera.requests[0].headers["host"] == f"{LOOPBACK}:{camera.port}"


def test_the_favicon_hash_is_shodans() -> None:
    # Signed 32-bit, over base64 with newlines (not one long line).
    assert str(mmh3.hash(base64.encodebytes(FAVICON))) == FAVICON_MMH3
    assert str(mmh3.hash(base64.b64encode(FAVICON))) != FAVICON_MMH3
    assert int(FAVICON_MMH3) < 0


def test_a_page_gives_its_title_and_body() -> None:
    with FakeServer(hikvision("page")) as camera:
        result = only(probe([camera.target()]))
    assert result.observation is not None
    signals = result.observation.signals
    assert signals["http.title"] == "Hikvision & Web Client"
    assert signals["http.body"] == PAGE.decode()
    assert "http.location" not in signals
    assert_read_only(camera.requests, {"GET"})


def test_a_401_is_recorded_and_never_answered() -> None:
    with FakeServer(hikvision("auth")) as camera:
        result = only(probe([camera.target()]))
    assert result.observation is not None
    signals = result.observation.signals
    assert signals["http.wwwauth"].startswith('Digest qop="auth", realm="IP Camera(C1234)"')
    assert signals["http.title"] == "Document Error: Unauthorized"
    assert [r.target for r in camera.requests].count("/") == 1
    assert_read_only(camera.requests, {"GET"})


def test_a_chunked_body_is_decoded() -> None:
    with FakeServer(chunked_page) as camera:
        result = only(probe([camera.target()]))
    assert result.observation is not None
    assert result.observation.signals["http.title"] == "Chunked camera"
    assert result.observation.signals["http.body"].endswith("</body></html>")
    # The favicon answer is the same page: hashed, as Shodan would.
    assert "favicon.md5" in result.observation.signals


# --- HTTPS ---------------------------------------------------------------------------


def test_https_records_a_self_signed_certificate(tls_server_context: ssl.SSLContext) -> None:
    with FakeServer(hikvision("redirect"), tls=tls_server_context) as camera:
        result = only(probe([camera.target("https")]))
    assert result.error is None
    assert result.observation is not None
    signals = result.observation.signals
    assert signals["tls.subject"] == SUBJECT_TEXT
    assert signals["tls.issuer"] == SUBJECT_TEXT
    assert signals["http.server"] == "App-webs/"
    assert signals["favicon.mmh3"] == FAVICON_MMH3
    assert_read_only(camera.requests, {"GET"})


def test_certificate_names_without_cryptography(
    device_certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    der = ssl.PEM_cert_to_DER_cert(device_certificate[0].read_text())
    with_package = certificate_names(der)
    # A None entry makes `import cryptography` fail: the built-in DER reader answers.
    monkeypatch.setitem(sys.modules, "cryptography", None)
    subject, issuer = certificate_names(der)
    assert (subject, issuer) == with_package
    assert format_name(subject) == format_name(issuer) == SUBJECT_TEXT
    assert subject[-1] == [("2.5.4.3", "www.hikvision.com")]


@pytest.mark.parametrize("der", [b"", b"\x30", b"\x30\x03\x02\x01\x01", b"\x04\x00", b"\xff" * 40])
def test_an_unreadable_certificate_is_a_value_error(
    der: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(ValueError):  # the reason varies with the damage
        certificate_names(der)


def test_https_to_a_plain_http_server_is_an_error() -> None:
    def plain(connection: Connection) -> None:
        # A TLS ClientHello is no HTTP request: a web server says so, in plain text.
        connection.sock.recv(4096)
        connection.send(http_response("400 Bad Request", {"Server": "App-webs/"}))

    with FakeServer(plain) as camera:
        result = only(probe([camera.target("https")], timeout=2))
    assert result.observation is None
    assert result.error is not None
    assert result.error.startswith("GET /: SSLError")


# --- RTSP ----------------------------------------------------------------------------


def test_rtsp_options_and_describe_without_credentials() -> None:
    with FakeServer(dahua_rtsp) as nvr:
        result = only(probe([nvr.target("rtsp")]))
    assert result.error is None
    assert result.observation is not None
    assert result.observation.signals == {
        "rtsp.server": "Dahua Rtsp Server",
        "rtsp.realm": DAHUA_REALM,
    }
    assert [(r.method, r.headers["cseq"]) for r in nvr.requests] == [
        ("OPTIONS", "1"),
        ("DESCRIBE", "2"),
    ]
    assert {r.target for r in nvr.requests} == {f"rtsp://{LOOPBACK}:{nvr.port}/"}
    assert {r.version for r in nvr.requests} == {"RTSP/1.0"}
    assert_read_only(nvr.requests, {"OPTIONS", "DESCRIBE"})


def test_rtsp_server_closing_after_options_keeps_what_options_said() -> None:
    def options_only(connection: Connection) -> None:
        if connection.read_request() is not None:
            connection.send(b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: GStreamer RTSP\r\n\r\n")

    with FakeServer(options_only) as server:
        result = only(probe([server.target("rtsp")], timeout=1))
    assert result.observation is not None
    assert result.observation.signals == {"rtsp.server": "GStreamer RTSP"}
    assert result.error == "DESCRIBE: connection closed without a response"


# --- Misbehaving peers ---------------------------------------------------------------

GARBAGE = [
    b"",
    b"\x00\xff\x13\x37" * 100,
    b"SSH-2.0-dropbear_2019.78\r\n",
    b"HTTP/1.1 200 OK\r\nServer: half",
    b"HTTP/1.1 OK\r\n\r\n",
    b"HTTP/1.1 2\xb2\xb2 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n",
]


@pytest.mark.parametrize("payload", GARBAGE)
def test_garbage_is_an_error_never_an_exception(payload: bytes) -> None:
    with FakeServer(sending(payload)) as server:
        result = only(probe([server.target()], timeout=2))
    assert result.observation is None
    assert result.error is not None
    assert result.error.startswith("GET /: ")


@pytest.mark.parametrize(
    ("payload", "signals"),
    [
        (b"HTTP/1.0 200 OK\nServer: boa/0.94\n\n<title>x</title>", {"http.title": "x"}),
        (b"HTTP/1.1 200 OK\r\nServer: a\r\n  b\r\n\r\n", {"http.server": "a b"}),
        (b"HTTP/1.1 200 OK\r\nno colon\r\nServer: c\r\n\r\n", {"http.server": "c"}),
        (b"HTTP/1.1 200 OK\r\nServer: \x00d\r\n\r\n", {"http.server": "d"}),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=base64\r\n\r\n\xff", {}),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=idna\r\n\r\n\xff", {}),
        (b"HTTP/1.1 200 OK\r\n\r\n<title>" * 5000, {}),
    ],
)
def test_odd_but_readable_answers(payload: bytes, signals: dict[str, str]) -> None:
    with FakeServer(sending(payload)) as server:
        result = only(probe([server.target()], timeout=2))
    assert result.observation is not None, result.error
    for name, value in signals.items():
        assert result.observation.signals[name] == value
    assert all("\x00" not in value for value in result.observation.signals.values())


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_a_silent_peer_times_out(scheme: str) -> None:
    with FakeServer(silent) as server:
        started = time.monotonic()
        result = only(probe([server.target(scheme)], timeout=0.5))
        elapsed = time.monotonic() - started
    assert result.observation is None
    assert result.error in ("GET /: timed out", "OPTIONS: timed out")
    assert elapsed < 2


def test_a_silent_peer_times_out_in_the_tls_handshake() -> None:
    with FakeServer(silent) as server:
        started = time.monotonic()
        result = only(probe([server.target("https")], timeout=0.5))
        assert time.monotonic() - started < 2
    assert result.error == "GET /: timed out"


def test_a_dripping_peer_is_cut_off_by_the_deadline() -> None:
    with FakeServer(dripping) as server:
        started = time.monotonic()
        result = only(probe([server.target()], timeout=0.5))
        elapsed = time.monotonic() - started
    assert result.error == "GET /: timed out"
    # Each read came within 0.5 s; the connection's deadline (3 x 0.5 s) ended it.
    assert 1.2 < elapsed < 3


def test_a_body_that_never_ends_keeps_the_head() -> None:
    with FakeServer(lazy) as server:
        started = time.monotonic()
        result = only(probe([server.target()], timeout=0.5))
        elapsed = time.monotonic() - started
    assert result.error is None
    assert result.observation is not None
    assert result.observation.signals == {
        "http.server": "lazy",
        "http.title": "half",
        "http.body": "<title>half</title>",
    }
    assert elapsed < 2.5  # two requests, each ended by one read timeout


def test_a_flood_is_capped() -> None:
    with FakeServer(huge) as server:
        started = time.monotonic()
        result = only(probe([server.target()]))
        elapsed = time.monotonic() - started
    assert result.observation is not None, result.error
    signals = result.observation.signals
    assert signals["http.title"] == "flood"
    assert len(signals["http.body"]) == 8192
    # Two responses (/ and /favicon.ico), each capped at the default 256 KB; a capped
    # favicon is not hashed, since its hash would match nothing.
    assert 2 * 65536 < result.bytes_read <= 2 * 262144
    assert "favicon.md5" not in signals
    assert elapsed < 5


def test_a_smaller_cap_is_honoured() -> None:
    with FakeServer(huge) as server:
        result = only(probe([server.target()], max_bytes=1000))
    assert result.observation is not None
    assert result.bytes_read <= 2000


def test_a_head_larger_than_the_cap_is_an_error() -> None:
    with FakeServer(sending(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: 1234567890\r\n" * 100)) as server:
        result = only(probe([server.target()], max_bytes=200))
    assert result.error == "GET /: response head larger than 200 B"


def test_a_closed_port_is_an_error() -> None:
    port = free_port()
    result = only(probe([ProbeTarget(LOOPBACK, port, "http")], timeout=1))
    assert result.observation is None
    assert result.error is not None
    assert "ConnectionRefusedError" in result.error


@pytest.fixture(scope="module")
def any_answer() -> Iterator[FakeServer]:
    """One server whose answer each Hypothesis example sets."""
    with FakeServer(answering) as server:
        yield server


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.one_of(
        st.binary(max_size=2000),
        st.builds(lambda b: b"HTTP/1.1 200 OK\r\n" + b, st.binary(max_size=500)),
        st.builds(lambda b: b"RTSP/1.0 401 X\r\n" + b, st.binary(max_size=500)),
    ),
    scheme=st.sampled_from(["http", "rtsp"]),
)
def test_no_answer_raises(any_answer: FakeServer, payload: bytes, scheme: str) -> None:
    any_answer.payload = payload
    result = only(probe([any_answer.target(scheme)], timeout=1))
    # Either something was recorded, or there is a reason why not.
    assert result.observation is not None or result.error is not None
    assert result.error is None or not result.error.startswith("internal error")


# --- Running many --------------------------------------------------------------------


def test_many_targets_each_get_one_result() -> None:
    closed = free_port()
    with FakeServer(hikvision("redirect")) as camera, FakeServer(dahua_rtsp) as nvr:
        targets = [camera.target(), nvr.target("rtsp"), ProbeTarget(LOOPBACK, closed, "http")]
        results = list(probe(targets * 10, workers=4))
    assert len(results) == 30
    by_port: dict[int, list[ProbeResult]] = {}
    for result in results:
        by_port.setdefault(result.target.port, []).append(result)
    assert all(r.observation is not None for r in by_port[camera.port] + by_port[nvr.port])
    assert all(r.observation is None for r in by_port[closed])
    assert len(camera.requests) == 20
    assert len(nvr.requests) == 20


def test_targets_are_read_lazily() -> None:
    with FakeServer(hikvision("redirect")) as camera:
        endless = itertools.repeat(camera.target())
        results = probe(endless, workers=2)
        first = list(itertools.islice(results, 5))
        results.close()  # type: ignore[attr-defined]
    assert len(first) == 5


def test_a_bug_costs_one_result_not_the_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(session: object) -> ProbeResult:
        raise RuntimeError("boom")

    monkeypatch.setitem(probe_module._PROBES, "http", broken)
    result = only(probe([ProbeTarget(LOOPBACK, 9, "http")]))
    assert result.error == "internal error: RuntimeError: boom"


@pytest.mark.parametrize(
    "limits", [{"timeout": 0}, {"timeout": -1}, {"max_bytes": 0}, {"workers": 0}]
)
def test_bad_limits_raise_at_once(limits: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        probe([], **limits)  # type: ignore[arg-type]


# --- Targets -------------------------------------------------------------------------


def test_a_host_alone_probes_the_default_ports_and_not_8000() -> None:
    targets = parse_target(" 192.0.2.7 ")
    assert [(t.host, t.port, t.scheme) for t in targets] == [
        ("192.0.2.7", 80, "http"),
        ("192.0.2.7", 443, "https"),
        ("192.0.2.7", 554, "rtsp"),
    ]
    assert 8000 not in {port for port, _ in DEFAULT_PORTS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.7:80", ("192.0.2.7", 80, "http")),
        ("192.0.2.7:8080", ("192.0.2.7", 8080, "http")),
        ("192.0.2.7:443", ("192.0.2.7", 443, "https")),
        ("192.0.2.7:8443", ("192.0.2.7", 8443, "https")),
        ("192.0.2.7:554", ("192.0.2.7", 554, "rtsp")),
        ("192.0.2.7:8554", ("192.0.2.7", 8554, "rtsp")),
        ("cam-01.example.org:81", ("cam-01.example.org", 81, "http")),
        ("[2001:db8::1]:554", ("2001:db8::1", 554, "rtsp")),
        ("https://192.0.2.7:8080", ("192.0.2.7", 8080, "https")),
        ("HTTPS://nvr.local", ("nvr.local", 443, "https")),
        ("rtsp://192.0.2.7", ("192.0.2.7", 554, "rtsp")),
        ("rtsp://[2001:db8::1]:10554/", ("2001:db8::1", 10554, "rtsp")),
        ("http://192.0.2.7:443", ("192.0.2.7", 443, "http")),
        ("http://192.0.2.7/", ("192.0.2.7", 80, "http")),
    ],
)
def test_one_service(text: str, expected: tuple[str, int, str]) -> None:
    assert parse_target(text) == [ProbeTarget(*expected)]


@pytest.mark.parametrize("text", ["2001:db8::1", "[2001:db8::1]", "::1", "nvr"])
def test_hosts_without_a_port(text: str) -> None:
    assert [t.port for t in parse_target(text)] == [80, 443, 554]
    assert parse_target(text)[0].host == text.strip("[]")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty target"),
        ("   ", "empty target"),
        ("192.0.2.7:", "is not a number"),
        ("192.0.2.7:http", "is not a number"),
        ("192.0.2.7:0", "not between 1 and 65535"),
        ("192.0.2.7:65536", "not between 1 and 65535"),
        ("192.0.2.7:123456", "is not a number"),
        (":80", "no host"),
        ("ftp://192.0.2.7", "unknown scheme"),
        ("http://admin:12345@192.0.2.7", "credentials"),
        ("http://192.0.2.7/ISAPI/System/deviceInfo", "no path"),
        ("http://192.0.2.7?x=1", "no path"),
        ("[2001:db8::1", "without a closing"),
        ("[2001:db8::1]554", "expected ':PORT'"),
        ("[192.0.2.7]:80", "not an IPv6 address"),
        ("2001:db8::zz:80", "not an IPv6 address"),
        ("192.0.2.7:80:81", "not an IPv6 address"),
        ("not a host", "neither an IP address nor a host name"),
        ("-cam.example", "neither an IP address nor a host name"),
        ("cam..example", "neither an IP address nor a host name"),
        ("http://", "no host"),
    ],
)
def test_bad_targets_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_target(text)


@pytest.mark.parametrize(
    ("args", "message"),
    [(("h", 80, "ftp"), "scheme"), (("h", 0, "http"), "port"), (("", 80, "http"), "empty")],
)
def test_a_target_checks_itself(args: tuple[str, int, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProbeTarget(*args)


def test_a_target_prints_as_a_url() -> None:
    assert str(ProbeTarget("2001:db8::1", 554, "rtsp")) == "rtsp://[2001:db8::1]:554"
