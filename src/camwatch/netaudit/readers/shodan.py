"""Shodan banners: the `shodan download` JSON Lines format (one banner per line), and the
API's JSON documents (a list of banners, a search result `{"matches": [...]}`, a host
`{"ip_str": ..., "data": [banners]}`).

What a banner gives:

- `http.server`, `http.title`, `http.html` (first 8 KB, as `http.body`), `http.favicon`
  (`hash` as `favicon.mmh3`; the MD5 of its base64 `data` as `favicon.md5`);
- `ssl.cert.subject` / `issuer` as "CN=..., OU=..., O=..., L=..., ST=..., C=..." (that
  order, other parts after it, sorted);
- `data`, the raw banner: an HTTP response's Server, WWW-Authenticate and Location
  headers; an RTSP response's Server (`rtsp.server`) and WWW-Authenticate (`rtsp.realm`);
  for the telnet, ftp and ssh modules (or ports 23, 21, 22) the banner itself; for snmp
  the sysObjectID and sysDescr lines; anything else as `banner` (first 1 KB);
- `snmp.description` / `objectid`; `product`, `version`, `devicetype` as `service.*`;
  `hostnames[0]`; the first `mac` key; Shodan's `hikvision` section's model and version.

Shodan's `http.location` is the path of the page fetched, not a Location header, so it
is not read as one. In a JSON document, an Observation's `line` is the banner's position
in the document (1-based), not a line of the file.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any, BinaryIO

import ijson
import orjson

from camwatch.netaudit.observation import (
    AuditInputError,
    Observation,
    ReadReport,
    normalise_mac,
    put,
)
from camwatch.netaudit.readers.common import bad_reason, batches, first_line, headers_of

NAME = "shodan"

BODY_KEEP = 8192
BANNER_KEEP = 1024
DOCUMENT_LIMIT = 256 << 20  # a JSON object (one API answer) is read whole, up to this

Signals = dict[str, str]

DN_ORDER = ("CN", "OU", "O", "L", "ST", "C")
# Which raw-banner field a Shodan module's banner goes to (module names have suffixes,
# e.g. "ssh-simple", "ftp-tls"); the port decides when the module is not named.
BANNER_FIELDS = (("telnet", "telnet.banner"), ("ftp", "ftp.banner"), ("ssh", "ssh.banner"))
PORT_FIELDS = {23: "telnet.banner", 21: "ftp.banner", 22: "ssh.banner"}
HTTP_HEADERS = (
    ("server", "http.server"),
    ("www-authenticate", "http.wwwauth"),
    ("location", "http.location"),
)
SERVICE_FIELDS = (
    ("product", "service.product"),
    ("version", "service.version"),
    ("devicetype", "service.devicetype"),
)
SNMP_KEYS = {
    "sysobjectid": "snmp.sysobjectid",
    "objectid": "snmp.sysobjectid",
    "sysdescr": "snmp.sysdescr",
    "description": "snmp.sysdescr",
}


def dn_of(parts: Any) -> str | None:
    """A certificate name (Shodan gives a mapping) as one string in a stable order."""
    if parts.__class__ is str:
        return parts
    if not parts or parts.__class__ is not dict:
        return None
    known = [f"{key}={parts[key]}" for key in DN_ORDER if parts.get(key)]
    extra = [f"{key}={value}" for key, value in sorted(parts.items()) if key not in DN_ORDER]
    return ", ".join(known + extra) or None


def _http(http: Any, signals: Signals) -> None:
    # put() only for values that are there: most banners lack most fields.
    value = http.get("server")
    if value:
        put(signals, "http.server", value)
    value = http.get("title")
    if value:
        put(signals, "http.title", value)
    html = http.get("html")
    if html and html.__class__ is str:
        kept = html[:BODY_KEEP].strip()
        if kept:
            signals["http.body"] = kept
    favicon = http.get("favicon")
    if favicon:
        _favicon(favicon, signals)


def _favicon(favicon: Any, signals: Signals) -> None:
    put(signals, "favicon.mmh3", favicon.get("hash"))
    data = favicon.get("data")
    if data and data.__class__ is str:
        # A favicon we cannot decode (binascii.Error is a ValueError) still has Shodan's hash.
        with contextlib.suppress(ValueError):
            raw = base64.b64decode(data)
            signals["favicon.md5"] = hashlib.md5(raw, usedforsecurity=False).hexdigest()


def _ssl(ssl: Any, signals: Signals) -> None:
    cert = ssl.get("cert")
    if cert:
        put(signals, "tls.subject", dn_of(cert.get("subject")))
        put(signals, "tls.issuer", dn_of(cert.get("issuer")))


def _response_headers(text: str, prefix: str, signals: Signals) -> None:
    headers = headers_of(text)
    if prefix == "http":
        for header, name in HTTP_HEADERS:
            if header in headers and name not in signals:
                put(signals, name, headers[header])
    else:
        put(signals, "rtsp.server", headers.get("server"))
        put(signals, "rtsp.realm", headers.get("www-authenticate"))


def _snmp_lines(text: str, signals: Signals) -> bool:
    """sysObjectID / sysDescr from Shodan's SNMP banner text; whether it held either."""
    found = False
    for row in text.splitlines():
        key, colon, value = row.partition(":")
        name = SNMP_KEYS.get(key.strip().lower().replace(" ", "")) if colon else None
        if name and name not in signals:
            put(signals, name, value)
            found = True
    return found


def _banner_field(module: str, port: Any, text: str) -> str | None:
    for prefix, name in BANNER_FIELDS:
        if module.startswith(prefix):
            return name
    if text.startswith("SSH-"):
        return "ssh.banner"
    return PORT_FIELDS.get(port) if not module else None


def _data(text: str, module: str, port: Any, signals: Signals) -> None:
    """What the raw banner says, by what it is."""
    if text.startswith("HTTP/"):
        _response_headers(text, "http", signals)
        return
    if text.startswith("RTSP/"):
        _response_headers(text, "rtsp", signals)
        return
    field = _banner_field(module, port, text)
    if field == "ssh.banner":
        # Shodan appends the host key and its fingerprint after the identification line.
        put(signals, field, text.lstrip().partition("\n")[0])
    elif field is not None:
        put(signals, field, text)
    elif not ((module.startswith("snmp") or port == 161) and _snmp_lines(text, signals)):
        put(signals, "banner", text[:BANNER_KEEP])


def _host_fields(record: dict[str, Any], signals: Signals) -> None:
    for key, name in SERVICE_FIELDS:
        value = record.get(key)
        if value:
            put(signals, name, value)
    hostnames = record.get("hostnames")
    if hostnames and hostnames.__class__ is list:
        put(signals, "hostname", hostnames[0])
    mac = record.get("mac")
    if mac and mac.__class__ is dict:
        address = normalise_mac(str(next(iter(mac))))
        if address:
            signals["mac"] = address
    snmp = record.get("snmp")
    if snmp:
        put(signals, "snmp.sysdescr", snmp.get("description"))
        put(signals, "snmp.sysobjectid", snmp.get("objectid"))
    hikvision = record.get("hikvision")
    if hikvision:
        put(signals, "model", hikvision.get("device_model"))
        put(signals, "firmware", hikvision.get("device_version"))


def _address(record: dict[str, Any]) -> str | None:
    """ip_str, else ipv6, else `ip` (an integer, written out); ValueError if of a wrong type."""
    text = record.get("ip_str") or record.get("ipv6")
    if text:
        if text.__class__ is not str:
            raise ValueError("ip_str is not a string")
        return str(text)
    number = record.get("ip")
    if number is None or number.__class__ is str:
        return number or None  # some exports write `ip` out themselves
    if number.__class__ is not int:
        raise ValueError("ip is neither a number nor a string")
    return str(ipaddress.ip_address(number))


def to_observation(record: Any, source: str, line: int) -> Observation | None:
    """One Shodan banner as an Observation; None when it names no host (a search result
    or host document holding banners also gives None: see `banners_of`).

    Raises ValueError when the banner is JSON of the wrong shape.
    """
    if record.__class__ is not dict:
        raise ValueError("not a JSON object")
    ip = _address(record)
    if ip is None:
        return None
    try:
        signals: Signals = {}
        port = record.get("port")
        port = None if port is None else int(port)
        http = record.get("http")
        if http:
            _http(http, signals)
        ssl = record.get("ssl")
        if ssl:
            _ssl(ssl, signals)
        data = record.get("data")
        if data.__class__ is list:
            return None  # a host document: `banners_of` gives its banners, one by one
        if data and data.__class__ is str:
            shodan = record.get("_shodan")
            module = (shodan.get("module") if shodan else None) or ""
            _data(data, str(module), port, signals)
        _host_fields(record, signals)
    except (AttributeError, TypeError, LookupError, OverflowError) as error:
        raise ValueError(f"unexpected Shodan banner shape ({error})") from None
    return Observation(ip, port, signals, source, line)


def banners_of(document: Any) -> list[Any]:
    """The banners of a JSON value that holds several: a search result's `matches`, a
    host's `data` list (each banner gets the host's address when it lacks one); [] else."""
    if document.__class__ is not dict:
        return []
    matches = document.get("matches")
    if matches.__class__ is list:
        return list(matches)
    banners = document.get("data")
    if banners.__class__ is not list:
        return []
    address = {key: document[key] for key in ("ip_str", "ip", "ipv6") if key in document}
    return [{**address, **banner} if banner.__class__ is dict else banner for banner in banners]


def _convert_all(
    values: Iterable[Any], source: str, first: int, report: ReadReport, line: int | None = None
) -> Iterator[Observation]:
    """Observations of several banners; each is at `line` if given, else numbered on."""
    for position, value in enumerate(values, first):
        where = position if line is None else line
        try:
            found = to_observation(value, source, where)
        except ValueError as error:
            report.add_bad(source, where, str(error))
            continue
        report.records += 1
        if found is not None:
            yield found


def _read_lines(
    lines: Iterable[list[bytes]], source: str, report: ReadReport
) -> Iterator[Observation]:
    loads = orjson.loads
    convert = to_observation
    line = 0
    for batch in lines:
        for raw in batch:
            line += 1
            try:
                record = loads(raw)
                found = convert(record, source, line)
            except ValueError as error:
                if raw.strip():
                    report.add_bad(source, line, bad_reason(error))
                continue
            if found is not None:
                report.records += 1
                yield found
            else:
                # A whole search result or host document on one line: its banners.
                inner = banners_of(record)
                if not inner:
                    report.records += 1
                yield from _convert_all(inner, source, 1, report, line)


def _read_array(
    lines: Iterable[list[bytes]], source: str, report: ReadReport
) -> Iterator[Observation]:
    """A JSON array of banners (or of host documents), streamed: never all in memory. A
    document that breaks off keeps the banners before the break, and counts one bad."""
    items = ijson.sendable_list()
    parser = ijson.items_coro(items, "item", use_float=True)
    position = 0
    for batch in chain(lines, [[]]):
        failure = None
        try:
            if batch:
                parser.send(b"".join(batch))
            else:
                parser.close()
        except (ijson.JSONError, ValueError) as error:
            failure = error
        for item in items:
            position += 1
            inner = banners_of(item)
            yield from _convert_all(inner or [item], source, position, report, position)
        del items[:]
        if failure is not None:
            report.add_bad(source, position + 1, f"invalid JSON document: {failure}")
            return


def _read_object(
    lines: Iterable[list[bytes]], source: str, report: ReadReport
) -> Iterator[Observation]:
    """A JSON object over several lines: one API answer, read whole (bounded). Should it
    not parse as a whole, its lines are read as JSON Lines, so bad lines are counted."""
    size = 0
    parts: list[bytes] = []
    for batch in lines:
        size += sum(map(len, batch))
        if size > DOCUMENT_LIMIT:
            raise AuditInputError(
                "a JSON document over 256 MB: give Shodan data as JSON Lines "
                "(`shodan download`, one banner per line)",
                source=source,
            )
        parts.extend(batch)
    try:
        document = orjson.loads(b"".join(parts))
    except orjson.JSONDecodeError:
        yield from _read_lines([parts], source, report)
        return
    yield from _convert_all(banners_of(document) or [document], source, 1, report)


def _parses(raw: bytes) -> bool:
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return True


def _shape(opening: list[bytes]) -> str:
    """ "array", "object" (a JSON document over several lines) or "lines" (JSON Lines),
    from the first lines: a document's first two lines do not parse on their own."""
    rows = [row.strip() for row in opening[:50] if row.strip()][:2]
    if rows and rows[0].startswith(b"["):
        return "array"
    if rows and rows[0].startswith(b"{") and not any(map(_parses, rows)):
        return "object"
    return "lines"


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    """Every banner of a Shodan file as an Observation; bad lines and banners counted."""
    lines = batches(stream, source, report)
    opening = next(lines, [])
    everything = chain([opening], lines)
    shape = _shape(opening)
    if shape == "array":
        yield from _read_array(everything, source, report)
    elif shape == "object":
        yield from _read_object(everything, source, report)
    else:
        yield from _read_lines(everything, source, report)


def sniff(head: bytes) -> bool:
    """Whether the head is Shodan banners: a first line that is a JSON object with
    `ip_str` or `_shodan`, or a JSON document (or a line too long for the head) that
    names `ip_str`."""
    first = first_line(head)
    if not first.startswith((b"[", b"{")):
        return False
    try:
        record = orjson.loads(first)
    except orjson.JSONDecodeError:
        return b'"ip_str"' in head or b'"_shodan"' in head
    if isinstance(record, list):
        return b'"ip_str"' in first
    if not isinstance(record, dict):
        return False
    if "ip_str" in record or "_shodan" in record:
        return True
    inner = banners_of(record)
    return bool(inner) and isinstance(inner[0], dict) and "ip_str" in inner[0]
