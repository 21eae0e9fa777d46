"""zgrab2 (and zgrab v1) JSON Lines: one host per line, one result per scan module.

A zgrab2 line looks like::

    {"ip": "192.0.2.7", "domain": "cam.example", "data": {
        "http": {"status": "success", "protocol": "http", "result": {"response": {
            "status_code": 200,
            "headers": {"server": ["App-webs/"], "www_authenticate": ["Digest realm=..."]},
            "body": "<html>...",
            "request": {"url": {"scheme": "http", "host": "192.0.2.7:8080", "path": "/"},
                        "tls_log": {"handshake_log": {"server_certificates": {"certificate":
                            {"parsed": {"subject_dn": "...", "issuer_dn": "..."}}}}}}}}}}}

Modules read: `http` (server, WWW-Authenticate, Location, title, body, certificate),
`tls` (certificate), `banner`, `telnet`, `ftp` and `ssh`. A module is known by its
`protocol` value, else by its key, so renamed modules of a multi-module scan still count.
zgrab v1 lines (`data.http.response`, no `result` level; header values as plain strings)
are read as well.

One line gives one `Observation`. Its port is the line's `port`, else the port the HTTP
request went to (`url.host` "host:port", else 80/443 by scheme), else the module's usual
port. When a line holds several modules on different ports, and no line-level `port`
says which, the port is left unknown rather than guessed. A line with an address but no
usable result (a timeout, say) still gives an `Observation`, with no signals: the host
was scanned.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import orjson

from camwatch.netaudit.observation import Observation, ReadReport
from camwatch.netaudit.readers.common import (
    bad_reason,
    batches,
    first_object,
    headers_of,
)

NAME = "zgrab2"

TITLE_SEARCH = 65536  # the title is looked for in the first 64 KB of the body only
BODY_KEEP = 8192
BANNER_KEEP = 1024
TEXT_KEEP = 4096  # as observation.clean(): no signal value is longer


Signals = dict[str, str]
# A module handler fills signals from one module's result and returns the port it saw.
Handler = Callable[[Any, Signals], "int | None"]


def _text(signals: Signals, name: str, value: Any, keep: int = TEXT_KEEP) -> None:
    """Set a signal from a scalar or from the first item of a list (zgrab2 header values are
    lists, zgrab v1's are strings): `observation.put` with the hot path's case first."""
    if value.__class__ is list:
        value = value[0] if value else None
    if value.__class__ is str:
        text = value.strip()
    elif value is None or value.__class__ is dict or value.__class__ is list:
        return
    else:
        text = str(value).strip()
    if text:
        signals[name] = text[:keep]


def title_of(body: str) -> str | None:
    """The text of the first <title> element in the first 64 KB of an HTML body."""
    start = body.find("<title", 0, TITLE_SEARCH)
    if start >= 0 and body.startswith(">", start + 6):
        # The common case, a bare <title> in lower case: no attributes to step over.
        close = body.find("</title", start + 7)
        if close >= 0:
            return _title_text(body[start + 7 : close])
    low = body
    if start < 0:
        # Only mixed- or upper-case markup pays for lowering.
        low = body[:TITLE_SEARCH].lower()
        start = low.find("<title")
        if start < 0:
            return None
    open_end = low.find(">", start + 6)
    if open_end < 0:
        return None
    close = low.find("</title", open_end)
    if close < 0 and low is body:
        close = body[:TITLE_SEARCH].lower().find("</title", open_end)
    return _title_text(body[open_end + 1 : close if close >= 0 else open_end + 257])


def _title_text(text: str) -> str | None:
    if "&" in text:
        text = html.unescape(text)
    if not text.isprintable():
        # Line breaks and tabs inside the element: one space each run, as a browser shows.
        text = " ".join(text.split())
    return text.strip() or None


def _url_port(url: Any) -> int | None:
    """The port a zgrab2 request URL names: "host:port", else the scheme's default."""
    if not url:
        return None
    host = url.get("host") or url.get("Host") or ""
    if host.__class__ is str and ":" in host and not host.endswith("]"):
        head, _, digits = host.rpartition(":")
        # A bare IPv6 address has colons too; only "[v6]:port" or "v4:port" carry a port.
        if digits.isdigit() and (":" not in head or head.endswith("]")):
            return int(digits)
    scheme = url.get("scheme") or url.get("Scheme")
    return 443 if scheme == "https" else 80 if scheme == "http" else None


def _certificate(handshake: Any, signals: Signals) -> None:
    """Subject and issuer of the leaf certificate of a zgrab TLS handshake log."""
    if not handshake:
        return
    log = handshake.get("handshake_log") or handshake
    chain = log.get("server_certificates")
    certificate = chain.get("certificate") if chain else None
    parsed = certificate.get("parsed") if certificate else None
    if parsed:
        _text(signals, "tls.subject", parsed.get("subject_dn"))
        _text(signals, "tls.issuer", parsed.get("issuer_dn"))


def _headers(headers: Any, signals: Signals) -> None:
    # Each .get() and call costs on the hot path: look up only the headers that are there.
    value = headers.get("server")
    if value:
        _text(signals, "http.server", value)
    value = headers.get("www_authenticate")
    if value:
        _text(signals, "http.wwwauth", value)
    value = headers.get("location")
    if value:
        _text(signals, "http.location", value)


def _body(body: Any, signals: Signals) -> None:
    if body.__class__ is not str:
        return
    kept = body[:BODY_KEEP].strip()
    if kept:
        signals["http.body"] = kept
    title = title_of(body)
    if title:
        signals["http.title"] = title[:TEXT_KEEP]


def _http(module: Any, signals: Signals) -> int | None:
    result = module.get("result")
    # zgrab v1 has no "result" level: the response sits on the module itself.
    holder = module if result is None else result
    response = holder.get("response")
    if not response:
        return None
    headers = response.get("headers")
    if headers:
        _headers(headers, signals)
    body = response.get("body")
    if body:
        _body(body, signals)
    chain = holder.get("redirect_response_chain")
    if chain and chain[0] and "http.location" not in signals:
        # Redirects followed: the first response of the chain held the Location.
        _text(signals, "http.location", (chain[0].get("headers") or {}).get("location"))
    request = response.get("request")
    if not request:
        return None
    handshake = request.get("tls_log" if result is not None else "tls_handshake")
    if handshake:
        _certificate(handshake, signals)
    return _url_port(request.get("url"))


def _tls(module: Any, signals: Signals) -> int | None:
    _certificate(module.get("result") or module, signals)
    return 443


def _banner_module(field: str, keep: int, port: int | None) -> Handler:
    """A handler for the modules whose result is one `banner` string."""

    def handler(module: Any, signals: Signals) -> int | None:
        result = module.get("result")
        banner = result.get("banner") if result else None
        if banner.__class__ is str and banner.startswith("RTSP/"):
            # The banner module pointed at an RTSP port: its response's headers say more.
            headers = headers_of(banner)
            _text(signals, "rtsp.server", headers.get("server"))
            _text(signals, "rtsp.realm", headers.get("www-authenticate"))
        elif banner:
            _text(signals, field, banner, keep)
        return port

    return handler


def _ssh(module: Any, signals: Signals) -> int | None:
    result = module.get("result")
    server_id = result.get("server_id") if result else None
    if server_id:
        _text(signals, "ssh.banner", server_id.get("raw") or server_id.get("software"))
    return 22


MODULES: dict[str, Handler] = {
    "http": _http,
    "tls": _tls,
    "banner": _banner_module("banner", BANNER_KEEP, None),
    "telnet": _banner_module("telnet.banner", TEXT_KEEP, 23),
    "ftp": _banner_module("ftp.banner", TEXT_KEEP, 21),
    "ssh": _ssh,
}


def _modules(data: Any, signals: Signals) -> int | None:
    """Fill signals from every module of a line; the port, when they agree on one."""
    port: int | None = None
    agreed = True
    for name, module in data.items():
        if not module:
            continue
        handler = MODULES.get(module.get("protocol") or name)
        if handler is None:
            continue
        seen = handler(module, signals)
        if port is None:
            port = seen
        elif seen is not None and seen != port:
            agreed = False
    return port if agreed else None


def to_observation(record: Any, source: str, line: int) -> Observation | None:
    """One parsed zgrab2 line as an Observation; None when it names no host.

    Raises ValueError when the line is JSON of the wrong shape (not an object, a module
    that is not an object, an address that is not a string).
    """
    if record.__class__ is not dict:
        raise ValueError("not a JSON object")
    ip = record.get("ip")
    if ip.__class__ is not str or not ip:
        ip = _no_address(ip, record)
        if ip is None:
            return None
    try:
        signals: Signals = {}
        data = record.get("data")
        port = None
        if data:
            # Nearly every line holds the http module alone: skip the general dispatch.
            http = data.get("http")
            port = _http(http, signals) if http and len(data) == 1 else _modules(data, signals)
        if len(record) != 2 or not ip or "data" not in record:
            # Lines from a list of names also carry "domain"; some tools add "port".
            port = _extras(record, signals, port)
    except (AttributeError, TypeError, LookupError, OverflowError) as error:
        raise ValueError(f"unexpected zgrab2 record shape ({error})") from None
    return Observation(ip or None, port, signals, source, line)


def _no_address(ip: Any, record: dict[str, Any]) -> str | None:
    """For a line without a string address: "" to go on with its domain alone, None to
    skip it, ValueError when the address is of the wrong type."""
    if ip is not None and ip != "":
        raise ValueError("ip is not a string")
    return "" if record.get("domain") else None


def _extras(record: dict[str, Any], signals: Signals, port: int | None) -> int | None:
    domain = record.get("domain")
    if domain:
        if domain.__class__ is not str:
            raise ValueError("domain is not a string")
        _text(signals, "hostname", domain)
    given = record.get("port")
    return port if given is None else int(given)


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    """Every line of a zgrab2 JSON Lines stream as an Observation; bad lines counted."""
    loads = orjson.loads
    convert = to_observation
    line = 0
    for batch in batches(stream, source, report):
        start, rejected = line, 0
        try:
            for raw in batch:
                line += 1
                try:
                    found = convert(loads(raw), source, line)
                except ValueError as error:
                    rejected += 1
                    if raw.strip():
                        report.add_bad(source, line, bad_reason(error))
                    continue
                if found is not None:
                    yield found
        finally:
            # Counted once a batch (or when the caller stops early), not once a line.
            report.records += line - start - rejected


def sniff(head: bytes) -> bool:
    """Whether the first non-blank line is a JSON object with `ip` and a `data` object of
    module results (objects). A Shodan banner's `data` is a string; a masscan line's
    `data` holds strings."""
    record, compact = first_object(head)
    if record is None:
        # A first line longer than the head: judge by its opening bytes.
        return (
            b'"ip":' in compact
            and b'"data":{' in compact
            and b'"ip_str"' not in compact
            and b'"rec_type"' not in compact
        )
    if "ip" not in record or "ip_str" in record:
        return False
    data = record.get("data")
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(module, dict) for module in data.values())
    )
