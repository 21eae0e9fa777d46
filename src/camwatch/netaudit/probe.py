"""A read-only banner probe, for audits the network's owner has authorised.

`camwatch audit probe HOST[:PORT]...` asks each service only what a browser or a media
player asks before anyone logs in, and records the answers as an `Observation`:

- HTTP and HTTPS: `GET /` (redirects are recorded, never followed) and `GET /favicon.ico`;
  the Server, WWW-Authenticate and Location headers, the page title, the first 8 KB of the
  body, the favicon's MD5 and Shodan hash, and (HTTPS) the certificate's subject and issuer;
- RTSP: `OPTIONS` and `DESCRIBE` of `rtsp://host:port/`; the Server header and the
  WWW-Authenticate challenge.

It never sends credentials (a 401 is recorded, not answered), never posts, and asks for no
path but `/` and `/favicon.ico`. Every request has a timeout and a cap on the bytes read, a
pool of threads bounds the concurrency, and whatever a peer sends back becomes a signal or
an error string: nothing a device answers raises out of `probe()`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import closing, contextmanager
from dataclasses import dataclass

import mmh3

from camwatch.netaudit.certificates import certificate_names, format_name, names_of
from camwatch.netaudit.observation import Observation, clean, put

SOURCE = "probe"
SCHEMES = ("http", "https", "rtsp")
# Probed when a target names no port. 8000 (Hikvision's SDK port) is deliberately absent:
# it speaks a proprietary protocol, and the audit asks nothing it does not understand.
DEFAULT_PORTS: tuple[tuple[int, str], ...] = ((80, "http"), (443, "https"), (554, "rtsp"))
SCHEME_PORTS = {"http": 80, "https": 443, "rtsp": 554}
PORT_SCHEMES = {443: "https", 8443: "https", 554: "rtsp", 8554: "rtsp"}
PATHS = ("/", "/favicon.ico")
USER_AGENT = "camwatch-netaudit/0.1 (read-only audit probe)"
BODY_BYTES = 8192

# A per-read timeout alone would let a peer that drips one byte a second hold a worker
# for ever; each connection also ends this many timeouts after it began.
_TOTAL_FACTOR = 3
_CHUNK = 65536
_HOST_NAME = re.compile(
    r"(?=.{1,253}\Z)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
    r"(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?",
    re.ASCII,
)
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """One service to probe: a host (address or name), a port, and the protocol to speak."""

    host: str
    port: int
    scheme: str

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme {self.scheme!r} is not one of {', '.join(SCHEMES)}")
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is not between 1 and 65535")
        if not self.host:
            raise ValueError("the host is empty")

    def __str__(self) -> str:
        return f"{self.scheme}://{_bracketed(self.host)}:{self.port}"


@dataclass(slots=True)
class ProbeResult:
    """What one target answered.

    `observation` is None when the service could not be reached or did not speak its
    protocol; `error` then says why. An observation with an error means the main request
    succeeded and a later one (the favicon, DESCRIBE) did not. `bytes_read` counts every
    byte the peer sent that the probe read.
    """

    target: ProbeTarget
    observation: Observation | None
    error: str | None = None
    bytes_read: int = 0


# --- Targets -------------------------------------------------------------------------


def parse_target(text: str) -> list[ProbeTarget]:
    """The services one command-line target names.

    HOST probes the default ports (80 http, 443 https, 554 rtsp); HOST:PORT, [V6]:PORT and
    SCHEME://HOST[:PORT][/] probe one service. Without a scheme the port chooses the
    protocol: 443 and 8443 HTTPS, 554 and 8554 RTSP, any other HTTP. An IPv6 address with
    a port needs brackets. Raises ValueError, naming the problem, for anything else.
    """
    spec = text.strip()
    if not spec:
        raise ValueError("empty target")
    scheme, rest = _split_scheme(spec)
    host, port = _split_host_port(rest, spec)
    _check_host(host, spec)
    if scheme is not None:
        return [ProbeTarget(host, port or SCHEME_PORTS[scheme], scheme)]
    if port is not None:
        return [ProbeTarget(host, port, PORT_SCHEMES.get(port, "http"))]
    return [ProbeTarget(host, number, name) for number, name in DEFAULT_PORTS]


def _split_scheme(spec: str) -> tuple[str | None, str]:
    """The scheme (lower case) and what follows `://`; only `/` may follow the port."""
    if "://" not in spec:
        return None, spec
    scheme, _, rest = spec.partition("://")
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"{spec!r}: unknown scheme {scheme!r} (use http, https or rtsp)")
    authority, _, path = rest.partition("/")
    if path or "?" in authority or "#" in authority:
        raise ValueError(f"{spec!r}: the probe asks only for '/', so a target has no path")
    if "@" in authority:
        # The probe never sends credentials, so it will not take them either.
        raise ValueError(f"{spec!r}: credentials in a target are not accepted")
    return scheme, authority


def _split_host_port(rest: str, spec: str) -> tuple[str, int | None]:
    if rest.startswith("["):
        host, bracket, after = rest[1:].partition("]")
        if not bracket:
            raise ValueError(f"{spec!r}: '[' without a closing ']'")
        if not _is_ipv6(host):
            raise ValueError(f"{spec!r}: {host!r} in brackets is not an IPv6 address")
        if not after:
            return host, None
        if not after.startswith(":"):
            raise ValueError(f"{spec!r}: expected ':PORT' after ']'")
        return host, _port(after[1:], spec)
    if rest.count(":") > 1:
        # Several colons and no brackets: an IPv6 address without a port, or nothing.
        if not _is_ipv6(rest):
            raise ValueError(f"{spec!r}: not an IPv6 address (write [ADDRESS]:PORT)")
        return rest, None
    host, colon, port = rest.partition(":")
    return host, _port(port, spec) if colon else None


def _port(text: str, spec: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", text):
        raise ValueError(f"{spec!r}: port {text!r} is not a number")
    number = int(text)
    if not 1 <= number <= 65535:
        raise ValueError(f"{spec!r}: port {number} is not between 1 and 65535")
    return number


def _check_host(host: str, spec: str) -> None:
    if not host:
        raise ValueError(f"{spec!r}: no host")
    if _is_ip(host) or _HOST_NAME.fullmatch(host):
        return
    raise ValueError(f"{spec!r}: {host!r} is neither an IP address nor a host name")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


# --- Reading responses ---------------------------------------------------------------


class ProtocolError(Exception):
    """The peer's answer is not a response of the protocol the probe spoke."""


@dataclass(slots=True)
class _Session:
    """One target's limits, and the bytes its peer has sent so far."""

    target: ProbeTarget
    timeout: float
    max_bytes: int
    received: int = 0


@dataclass(slots=True)
class _Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    truncated: bool = False

    def header(self, name: str) -> str | None:
        """All values of one header (name in lower case), joined as HTTP joins them."""
        values = [value for key, value in self.headers if key == name]
        return ", ".join(values) if values else None


class _Stream:
    """A socket read through a buffer, within a deadline, and within a cap on the bytes
    each response may take (`start` opens a response's allowance)."""

    def __init__(self, sock: socket.socket, session: _Session, deadline: float) -> None:
        self.sock = sock
        self.session = session
        self.deadline = deadline
        self.buffer = bytearray()
        self.room = 0
        self.peer = ""
        self.certificate: bytes | None = None
        self.timed_out = False

    def start(self) -> None:
        self.room = self.session.max_bytes
        self.timed_out = False

    def pull(self) -> bool:
        """Read once more from the socket; False at end of stream or when the response's
        allowance is spent (bytes already buffered count against it)."""
        want = self.room - len(self.buffer)
        if want <= 0:
            return False
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out")
        self.sock.settimeout(min(self.session.timeout, remaining))
        chunk = self.sock.recv(min(_CHUNK, want))
        self.session.received += len(chunk)
        self.buffer += chunk
        return bool(chunk)

    def pull_body(self) -> bool:
        """`pull` for a body: a timeout once the head has come ends the body (marked
        truncated) rather than losing the headers already read."""
        try:
            return self.pull()
        except TimeoutError:
            self.timed_out = True
            return False

    def take(self, count: int) -> bytes:
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        self.room -= len(data)
        return data

    def read_head(self, protocol: bytes) -> bytes:
        """The status line and headers, up to and including the blank line."""
        while (end := _head_end(self.buffer)) < 0:
            if len(self.buffer) >= len(protocol) and not self.buffer.startswith(protocol):
                # Fail at once on a foreign protocol rather than waiting out the timeout.
                raise ProtocolError(_not_protocol(protocol, self.buffer))
            if not self.pull():
                if len(self.buffer) >= self.room:
                    raise ProtocolError(f"response head larger than {self.session.max_bytes} B")
                raise ProtocolError(_not_protocol(protocol, self.buffer, closed=True))
        return self.take(end)

    def read_line(self) -> bytes | None:
        """One line (with its end), or None at end of stream or of the allowance."""
        while (end := self.buffer.find(b"\n")) < 0:
            if not self.pull_body():
                return None
        return self.take(end + 1)

    def read_exact(self, count: int) -> tuple[bytes, bool]:
        """Up to `count` bytes, and whether fewer came (closed, or the allowance spent)."""
        while len(self.buffer) < count and self.pull_body():
            pass
        data = self.take(min(count, len(self.buffer)))
        return data, len(data) < count

    def read_to_end(self) -> tuple[bytes, bool]:
        """Everything until the peer closes, and whether the allowance cut it short."""
        while self.pull_body():
            pass
        truncated = self.timed_out or len(self.buffer) >= self.room
        return self.take(len(self.buffer)), truncated


def _head_end(buffer: bytearray) -> int:
    """The index just past the blank line that ends a head, or -1. Some embedded servers
    end lines with a bare LF, so both spellings count."""
    ends = [at + len(mark) for mark in (b"\r\n\r\n", b"\n\n") if (at := buffer.find(mark)) >= 0]
    return min(ends) if ends else -1


def _not_protocol(protocol: bytes, buffer: bytearray, closed: bool = False) -> str:
    name = protocol.decode("ascii").rstrip("/")
    if closed and not buffer:
        return "connection closed without a response"
    if closed and buffer.startswith(protocol):
        return "connection closed before the end of the response head"
    return f"not an {name} response: {bytes(buffer[:40])!r}"


def _read_response(stream: _Stream, protocol: bytes, until_close: bool) -> _Response:
    """One response. `until_close`: a body without a length runs to the end of the
    connection (HTTP); in RTSP such a response has no body."""
    stream.start()
    response = _parse_head(stream.read_head(protocol), protocol)
    if response.status in (204, 304) or response.status < 200:
        return response
    encoding = (response.header("transfer-encoding") or "").lower()
    length = response.header("content-length")
    if "chunked" in encoding:
        response.body, response.truncated = _read_chunked(stream)
    elif length is not None:
        response.body, response.truncated = stream.read_exact(_content_length(length))
    elif until_close:
        response.body, response.truncated = stream.read_to_end()
    return response


def _parse_head(head: bytes, protocol: bytes) -> _Response:
    # Latin-1 maps every byte to a character, so no peer can make the decoding fail.
    lines = re.split(r"\r?\n", head.decode("iso-8859-1").strip("\r\n"))
    parts = lines[0].split(None, 2)
    version = protocol.decode("ascii")
    if len(parts) < 2 or not parts[0].startswith(version):
        raise ProtocolError(f"bad status line: {lines[0][:80]!r}")
    if not re.fullmatch(r"[1-9][0-9]{2}", parts[1]):
        raise ProtocolError(f"bad status code: {parts[1][:20]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            # An obsolete folded continuation of the previous header.
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.append((name.strip().lower(), value.strip()))
    return _Response(int(parts[1]), headers)


def _content_length(text: str) -> int:
    values = {value.strip() for value in text.split(",")}
    if len(values) != 1 or not re.fullmatch(r"[0-9]{1,15}", next(iter(values))):
        raise ProtocolError(f"bad Content-Length: {text[:40]!r}")
    return int(next(iter(values)))


def _read_chunked(stream: _Stream) -> tuple[bytes, bool]:
    body = bytearray()
    while (line := stream.read_line()) is not None:
        size_text = line.split(b";", 1)[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]{1,15}", size_text):
            raise ProtocolError(f"bad chunk size: {size_text[:20]!r}")
        size = int(size_text, 16)
        if size == 0:
            return bytes(body), False
        data, short = stream.read_exact(size)
        body += data
        if short or stream.read_line() is None:
            return bytes(body), short
    return bytes(body), True


# --- Connections ---------------------------------------------------------------------


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """A TLS client context that accepts any certificate and any protocol version.

    The audit reads the certificate a device presents, and cameras present self-signed or
    expired ones on old TLS versions; verifying would refuse exactly what is to be
    recorded. Nothing secret is sent over these connections: no credentials, no cookies.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        # Old devices offer only ciphers OpenSSL 3 refuses at its default level.
        context.set_ciphers("ALL:@SECLEVEL=0")
    except ssl.SSLError:
        context.set_ciphers("DEFAULT")
    return context


@contextmanager
def _connection(session: _Session) -> Iterator[_Stream]:
    """A connected stream to the session's target (TLS for https), closed afterwards."""
    target = session.target
    deadline = time.monotonic() + session.timeout * _TOTAL_FACTOR
    sock = socket.create_connection((target.host, target.port), timeout=session.timeout)
    with closing(sock):
        peer = str(sock.getpeername()[0])
        certificate = None
        if target.scheme == "https":
            server_name = None if _is_ip(target.host) else target.host
            sock = _tls_context().wrap_socket(sock, server_hostname=server_name)
            certificate = sock.getpeercert(binary_form=True)
        with closing(sock):
            stream = _Stream(sock, session, deadline)
            stream.peer, stream.certificate = peer, certificate
            yield stream


def _send(stream: _Stream, request: str) -> None:
    remaining = stream.deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out")
    stream.sock.settimeout(min(stream.session.timeout, remaining))
    stream.sock.sendall(request.encode("ascii"))


def _host_header(target: ProbeTarget) -> str:
    if SCHEME_PORTS.get(target.scheme) == target.port:
        return _bracketed(target.host)
    return f"{_bracketed(target.host)}:{target.port}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc) or "no detail"
    return text if isinstance(exc, ProtocolError) else f"{type(exc).__name__}: {text}"


# What a peer, the network or a device's garbage can raise; anything else is a bug.
_FAILURES = (OSError, ProtocolError, ValueError)


# --- HTTP and HTTPS ------------------------------------------------------------------


def _http_get(session: _Session, path: str) -> tuple[_Response, _Stream]:
    with _connection(session) as stream:
        _send(
            stream,
            f"GET {path} HTTP/1.1\r\nHost: {_host_header(session.target)}\r\n"
            f"User-Agent: {USER_AGENT}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        )
        return _read_response(stream, b"HTTP/", until_close=True), stream


def _probe_http(session: _Session) -> ProbeResult:
    target = session.target
    try:
        page, stream = _http_get(session, "/")
    except _FAILURES as exc:
        return ProbeResult(target, None, f"GET /: {_describe(exc)}", session.received)
    signals: dict[str, str] = {}
    _page_signals(page, signals)
    if stream.certificate:
        _certificate_signals(stream.certificate, signals)
    error = None
    try:
        _favicon_signals(_http_get(session, "/favicon.ico")[0], signals)
    except _FAILURES as exc:
        error = f"GET /favicon.ico: {_describe(exc)}"
    observation = _observation(target, stream.peer, signals)
    return ProbeResult(target, observation, error, session.received)


def _page_signals(page: _Response, signals: dict[str, str]) -> None:
    _put(signals, "http.server", page.header("server"))
    _put(signals, "http.wwwauth", page.header("www-authenticate"))
    _put(signals, "http.location", page.header("location"))
    charset = _charset(page.header("content-type"))
    _put(signals, "http.title", _title(_decode(page.body, charset)))
    body = clean(_decode(page.body[:BODY_BYTES], charset).replace("\x00", ""), BODY_BYTES)
    if body is not None:
        signals["http.body"] = body


def _favicon_signals(icon: _Response, signals: dict[str, str]) -> None:
    # A truncated icon would give a hash that matches nothing, so it is not hashed.
    if icon.status != 200 or not icon.body or icon.truncated:
        return
    signals["favicon.md5"] = hashlib.md5(icon.body, usedforsecurity=False).hexdigest()
    # Shodan hashes the base64 text with a newline every 76 characters, as encodebytes.
    signals["favicon.mmh3"] = str(int(mmh3.hash(base64.encodebytes(icon.body))))


def _charset(content_type: str | None) -> str:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else "utf-8"


def _decode(data: bytes, charset: str) -> str:
    # The peer names the codec: an unknown one, or one that is not a text encoding or
    # refuses "replace" (idna), falls back to UTF-8 rather than failing the probe.
    try:
        return data.decode(charset, "replace")
    except (LookupError, ValueError):
        return data.decode("utf-8", "replace")


def _title(text: str) -> str | None:
    # Plain finds, not a regular expression: a body of a million unclosed <title> tags
    # must cost one pass, not one pass per tag.
    lower = text.lower()
    start = lower.find("<title")
    opened = lower.find(">", start) if start >= 0 else -1
    close = lower.find("</title", opened) if opened >= 0 else -1
    if close < 0:
        return None
    return " ".join(html.unescape(text[opened + 1 : close]).split())


# --- TLS certificates ----------------------------------------------------------------


def _certificate_signals(der: bytes, signals: dict[str, str]) -> None:
    names = names_of(der)
    if names is None:
        return  # a certificate no parser can read is not a signal, and not an error
    _put(signals, "tls.subject", names[0])
    _put(signals, "tls.issuer", names[1])


# --- RTSP ----------------------------------------------------------------------------


def _rtsp(stream: _Stream, method: str, sequence: int) -> _Response:
    target = stream.session.target
    accept = "Accept: application/sdp\r\n" if method == "DESCRIBE" else ""
    _send(
        stream,
        f"{method} rtsp://{_bracketed(target.host)}:{target.port}/ RTSP/1.0\r\n"
        f"CSeq: {sequence}\r\n"
        f"{accept}User-Agent: {USER_AGENT}\r\n\r\n",
    )
    return _read_response(stream, b"RTSP/", until_close=False)


def _probe_rtsp(session: _Session) -> ProbeResult:
    target = session.target
    signals: dict[str, str] = {}
    step, peer, error = "OPTIONS", "", None
    try:
        with _connection(session) as stream:
            peer = stream.peer
            _rtsp_signals(_rtsp(stream, "OPTIONS", 1), signals)
            step = "DESCRIBE"
            # A 401 here is recorded, never answered: the probe holds no credentials.
            _rtsp_signals(_rtsp(stream, "DESCRIBE", 2), signals)
    except _FAILURES as exc:
        error = f"{step}: {_describe(exc)}"
        if step == "OPTIONS":
            return ProbeResult(target, None, error, session.received)
    return ProbeResult(target, _observation(target, peer, signals), error, session.received)


def _rtsp_signals(response: _Response, signals: dict[str, str]) -> None:
    if "rtsp.server" not in signals:
        _put(signals, "rtsp.server", response.header("server"))
    _put(signals, "rtsp.realm", response.header("www-authenticate"))


# --- Running -------------------------------------------------------------------------


def _put(signals: dict[str, str], name: str, value: str | None) -> None:
    # A NUL from a device would be refused later by PostgreSQL's text columns.
    put(signals, name, value.replace("\x00", "") if value else None)


def _observation(target: ProbeTarget, peer: str, signals: dict[str, str]) -> Observation:
    if not _is_ip(target.host):
        _put(signals, "hostname", target.host)
    return Observation(ip=peer or target.host, port=target.port, signals=signals, source=SOURCE)


_PROBES: dict[str, Callable[[_Session], ProbeResult]] = {
    "http": _probe_http,
    "https": _probe_http,
    "rtsp": _probe_rtsp,
}


def _probe_one(target: ProbeTarget, timeout: float, max_bytes: int) -> ProbeResult:
    session = _Session(target, timeout, max_bytes)
    try:
        return _PROBES[target.scheme](session)
    except Exception as exc:  # a bug must cost one target's result, not the whole audit
        return ProbeResult(target, None, f"internal error: {_describe(exc)}", session.received)


def probe(
    targets: Iterable[ProbeTarget],
    timeout: float = 5.0,
    max_bytes: int = 262144,
    workers: int = 32,
) -> Iterator[ProbeResult]:
    """Probe each target, `workers` at a time, yielding one result per target as it
    finishes (not in the order given).

    `timeout` bounds the connect and each read, in seconds, and each connection ends
    within three times it; `max_bytes` caps what one response may send. Targets are read
    lazily, so a generator over a large network is never held in memory at once. Raises
    ValueError for bad limits at once; a target's failure is its result's `error`.
    """
    if not timeout > 0:
        raise ValueError(f"timeout must be positive, not {timeout}")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, not {max_bytes}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    return _run(targets, timeout, max_bytes, workers)


def _run(
    targets: Iterable[ProbeTarget], timeout: float, max_bytes: int, workers: int
) -> Iterator[ProbeResult]:
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="camwatch-probe")
    pending: set[Future[ProbeResult]] = set()
    try:
        for target in targets:
            if len(pending) >= 2 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
            pending.add(pool.submit(_probe_one, target, timeout, max_bytes))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)
    finally:
        # A caller that stops early leaves no queued probes behind.
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = [
    "DEFAULT_PORTS",
    "ProbeResult",
    "ProbeTarget",
    "ProtocolError",
    "certificate_names",
    "format_name",
    "parse_target",
    "probe",
]
