"""masscan output: JSON (-oJ), NDJSON (--output-format ndjson) and list (-oL).

One Observation per record: an open port, or a banner masscan grabbed from it (the fusion
groups a host's records). Read a line at a time, never the whole array: -oJ writes one
record a line inside `[` ... `]`, with commas before or after records.

This module also holds the banner interpretation the nmap reader shares: raw HTTP and
RTSP responses, certificate subjects (from text or from a DER certificate, which masscan
prints in base64) and masscan's banner types (masscan's XML output is nmap-shaped).
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import orjson

from camwatch.netaudit.certificates import names_of
from camwatch.netaudit.observation import Observation, ReadReport, port_number, put
from camwatch.netaudit.readers.common import MAX_LINE, text_lines, valid_ip

NAME = "masscan"

JSON_RECORD = re.compile(rb'"ip"\s*:\s*"[^"]*"\s*,\s*"timestamp"')
LIST_ROW = re.compile(
    r"^(?P<kind>open|closed|banner)\s+(?P<proto>tcp|udp|sctp|icmp|arp)\s+(?P<port>\d+)\s+"
    r"(?P<ip>\S+)\s+\d+(?:\s+(?P<service>\S+)(?:\s(?P<banner>.*))?)?$"
)
# masscan 1.0 ended -oJ with this line, which is not JSON.
FINISHED = re.compile(r"^\{\s*finished\s*:\s*\d+\s*\}$")
PORTLESS = frozenset({"icmp", "arp"})
SERVICE_BANNERS = {"telnet": "telnet.banner", "ftp": "ftp.banner", "ssh": "ssh.banner"}
TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
HEX_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})")
TELNET_NEGOTIATION = re.compile(rb"\xff[\xfb-\xfe].|\xff[\xf0-\xfa]", re.DOTALL)
SUBJECT_LIKE = re.compile(r"\b(?:CN|O|OU|commonName|organizationName)=")

# --- reading -----------------------------------------------------------------------------


def sniff(head: bytes) -> bool:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.lstrip().startswith("#masscan") or JSON_RECORD.search(head):
        return True
    lines = [line.strip() for line in text.splitlines()[:20]]
    rows = [line for line in lines if line and not line.startswith("#")]
    return bool(rows) and all(LIST_ROW.match(line) for line in rows[:5])


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    for number, line in text_lines(stream, source, report):
        if line is None:
            report.add_bad(source, number, f"line longer than {MAX_LINE} characters")
            continue
        text = line.strip()
        bare = text.strip(",").strip()  # -oJ puts commas before or after records
        if not bare or bare in ("[", "]") or text.startswith("#") or FINISHED.match(bare):
            continue
        records = _json_records(bare) if bare[0] in "[{" else _list_record(text)
        if isinstance(records, str):
            report.add_bad(source, number, records)
            continue
        report.records += 1  # a line is a record, also when it says a port is closed
        for ip, port, signals in records:
            yield Observation(ip, port, signals, source, number)


_Record = tuple[str, int | None, dict[str, str]]


def _json_records(text: str) -> list[_Record] | str:
    # The first or last record may share its line with the array's bracket.
    if text.startswith("[{") and not text.endswith("]"):
        text = text[1:]
    elif text.endswith("}]") and not text.startswith("["):
        text = text[:-1]
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        return f"invalid JSON: {error}"
    # A whole array on one line (jq -c, or a short scan) is read too.
    items = value if isinstance(value, list) else [value]
    records: list[_Record] = []
    for item in items:
        found = _json_record(item)
        if isinstance(found, str):
            return found
        records.extend(found)
    return records


def _json_record(record: Any) -> list[_Record] | str:
    if not isinstance(record, dict):
        return "not a JSON object"
    ip = valid_ip(record.get("ip"))
    if ip is None:
        return 'no valid address in "ip"'
    entries = record.get("ports") if "ports" in record else [_ndjson_entry(record)]
    if not isinstance(entries, list):
        return '"ports" is not a list'
    records: list[_Record] = []
    for entry in entries:
        if not isinstance(entry, dict):
            return "a port entry is not a JSON object"
        found = _entry(ip, entry)
        if isinstance(found, str):
            return found
        if found is not None:
            records.append(found)
    return records


def _ndjson_entry(record: dict[str, Any]) -> dict[str, Any]:
    """An NDJSON record ({"port", "proto", "rec_type", "data"}) in -oJ's port-entry shape."""
    data = record.get("data")
    data = data if isinstance(data, dict) else {}
    entry = {"port": record.get("port"), "proto": record.get("proto")}
    if record.get("rec_type") == "banner":
        entry["service"] = {"name": data.get("service_name"), "banner": data.get("banner")}
    else:
        entry["status"] = data.get("status", record.get("status"))
    return entry


def _entry(ip: str, entry: dict[str, Any]) -> _Record | str | None:
    """The record of one port entry; None for a closed port."""
    proto = entry.get("proto")
    port = None if proto in PORTLESS else port_number(entry.get("port"))
    if port is None and proto not in PORTLESS:
        return f"invalid port {str(entry.get('port'))[:20]!r}"
    service = entry.get("service")
    signals: dict[str, str] = {}
    if isinstance(service, dict):
        name, banner = service.get("name"), service.get("banner")
        if isinstance(name, str) and isinstance(banner, str):
            banner_signals(name, fix_mojibake(banner), signals)
    elif entry.get("status") != "open":
        return None
    return ip, port, signals


def _list_record(text: str) -> list[_Record] | str:
    found = LIST_ROW.match(text)
    if found is None:
        return "not a masscan record"
    ip = valid_ip(found["ip"])
    if ip is None:
        return f"invalid address {found['ip'][:60]!r}"
    port = None if found["proto"] in PORTLESS else port_number(found["port"])
    if port is None and found["proto"] not in PORTLESS:
        return f"invalid port {found['port'][:20]!r}"
    if found["kind"] == "closed":
        return []
    signals: dict[str, str] = {}
    if found["kind"] == "banner" and found["service"]:
        banner_signals(found["service"], unescape(found["banner"] or ""), signals)
    return [(ip, port, signals)]


# --- banners, shared with the nmap reader ------------------------------------------------


def put_new(signals: dict[str, str], name: str, value: object) -> None:
    """Set a signal unless an earlier, more direct source already set it."""
    if name not in signals:
        put(signals, name, value)


def unescape(text: str) -> str:
    """Banner text with \\xNN escapes (masscan's -oL and XML, nmap's banner script) turned
    back into the bytes they stand for."""
    parts = HEX_ESCAPE.split(text)
    data = bytearray()
    for index, part in enumerate(parts):
        data += bytes([int(part, 16)]) if index % 2 else part.encode("utf-8", "replace")
    return _banner_text(bytes(data))


def fix_mojibake(text: str) -> str:
    """masscan's JSON escapes every byte on its own (\\u00e6\\u00b5...): read such text
    back as the bytes it was."""
    try:
        return _banner_text(text.encode("latin-1"))
    except UnicodeError:
        return text


def _banner_text(data: bytes) -> str:
    """Banner bytes as text: UTF-8 where they are, else Latin-1 (one character a byte)."""
    # Telnet option negotiation (IAC ...) is protocol, not banner; 0xFF is never UTF-8.
    data = TELNET_NEGOTIATION.sub(b"", data).replace(b"\x00", b"")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def banner_signals(kind: str, text: str, signals: dict[str, str]) -> None:
    """The signals of a masscan banner of one type ("http.server", "title", "http" ...)."""
    name = kind.lower()
    if name in SERVICE_BANNERS:
        put_new(signals, SERVICE_BANNERS[name], text)
        return
    BANNERS.get(name, _other_banner)(text, signals)


def _other_banner(text: str, signals: dict[str, str]) -> None:
    put_new(signals, "banner", text)


def _title_banner(text: str, signals: dict[str, str]) -> None:
    put_new(signals, "http.title", _clean_title(text))


def _server_banner(text: str, signals: dict[str, str]) -> None:
    put_new(signals, "http.server", text)


def _html_banner(text: str, signals: dict[str, str]) -> None:
    _body(text, signals)


def _tls_banner(text: str, signals: dict[str, str]) -> None:
    names = tls_names(text)
    if names is None:
        put_new(signals, "banner", text)
        return
    put_new(signals, "tls.subject", names[0])
    put_new(signals, "tls.issuer", names[1])


def _ca_banner(text: str, signals: dict[str, str]) -> None:
    # The CA certificate's subject is the server certificate's issuer.
    names = tls_names(text)
    if names is not None:
        put_new(signals, "tls.issuer", names[0])


def _snmp_banner(text: str, signals: dict[str, str]) -> None:
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "sysDescr":
            put_new(signals, "snmp.sysdescr", value)
        elif name.strip() == "sysObjectID":
            oid = re.sub(r"^(?:iso\.3\.6\.1\.4\.1|enterprises)\.", "1.3.6.1.4.1.", value.strip())
            if re.fullmatch(r"\d+(?:\.\d+)+", oid):
                put_new(signals, "snmp.sysobjectid", oid)


BANNERS: dict[str, Callable[[str, dict[str, str]], None]] = {
    "http.server": _server_banner,
    "title": _title_banner,
    "http": lambda text, signals: response_signals(text, signals),
    "rtsp": lambda text, signals: response_signals(text, signals),
    "html": _html_banner,
    "ssl": _tls_banner,
    "x509": _tls_banner,
    "x509ca": _ca_banner,
    "snmp": _snmp_banner,
}


def response_signals(text: str, signals: dict[str, str]) -> None:
    """Server, WWW-Authenticate, Location and the title and body of a raw HTTP or RTSP
    response."""
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    rtsp = lines[0].lstrip().upper().startswith("RTSP/")
    header_signals(lines[1:], signals, rtsp=rtsp)
    if not rtsp:
        _body(body, signals)


def header_signals(lines: Iterable[str], signals: dict[str, str], *, rtsp: bool) -> None:
    """The signals of "Name: value" header lines of an HTTP or RTSP response."""
    challenges: list[str] = []
    for line in lines:
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon:
            continue
        if name == "server":
            put_new(signals, "rtsp.server" if rtsp else "http.server", value)
        elif name == "www-authenticate":
            challenges.append(value.strip())
        elif name == "location" and not rtsp:
            put_new(signals, "http.location", value)
    # Cameras often send two challenges (Digest and Basic): keep both, as one header.
    put_new(signals, "rtsp.realm" if rtsp else "http.wwwauth", ", ".join(challenges))


def _body(body: str, signals: dict[str, str]) -> None:
    found = TITLE.search(body[:65536])
    if found is not None:
        put_new(signals, "http.title", _clean_title(found.group(1)))
    put_new(signals, "http.body", body)


def _clean_title(text: str) -> str:
    return " ".join(html.unescape(text).split())


# --- certificate names --------------------------------------------------------------------


def tls_names(text: str) -> tuple[str, str] | None:
    """(subject, issuer) from a banner: a subject as text, or a base64 DER certificate."""
    if SUBJECT_LIKE.search(text):
        return text.strip(), ""
    try:
        der = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return names_of(der)
