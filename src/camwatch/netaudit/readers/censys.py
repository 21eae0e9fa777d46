"""Censys host records, JSON Lines: one host per line, one Observation per service.

Search 2.0 host objects (a bulk export, or `censys search` output, one per line)::

    {"ip": "192.0.2.7", "dns": {"reverse_dns": {"names": ["cam.example"]}},
     "services": [{"port": 80, "service_name": "HTTP", "banner": "HTTP/1.1 200 OK...",
                   "software": [{"vendor": "Hikvision", "product": "..."}],
                   "http": {"response": {"headers": {"Server": ["App-webs/"]},
                                         "html_title": "...", "body": "...",
                                         "favicons": [{"md5_hash": "..."}]}},
                   "tls": {"certificates": {"leaf_data": {"subject_dn": "...",
                                                          "issuer_dn": "..."}}}}]}

Also read: the same object wrapped as `{"result": {...}}` (the API's host view) or
`{"host": {...}}`, and the newer Platform shape (`protocol` for `service_name`, HTTP under
`endpoints[].http`, the certificate under `cert.parsed`, favicons with `hash_md5` /
`hash_shodan`, `hardware[].manufacturer`).

Per service: HTTP Server, WWW-Authenticate and Location headers (header names in any
case, `_` or `-`), title, body (first 8 KB), favicon hashes, certificate subject and
issuer; SSH, telnet and FTP banners; RTSP Server and WWW-Authenticate from the banner;
SNMP sysDescr and sysObjectID; any other banner as `banner` (first 1 KB). The software
vendor goes to `vendor` (it is Censys's claim: fusion weighs it as such), its product
and version to `service.product` / `service.version`. A host without services gives one
Observation without a port.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from camwatch.netaudit.observation import Observation, ReadReport, put
from camwatch.netaudit.readers.common import bad_reason, batches, first_object, headers_of

NAME = "censys"

BODY_KEEP = 8192
BANNER_KEEP = 1024
WRAPPERS = ("result", "host", "resource", "host_v1")
HTTP_HEADERS = {
    "server": "http.server",
    "www-authenticate": "http.wwwauth",
    "location": "http.location",
}
HEADER_LENGTHS = frozenset(map(len, HTTP_HEADERS))
BANNER_FIELDS = {"TELNET": "telnet.banner", "FTP": "ftp.banner", "SSH": "ssh.banner"}

Signals = dict[str, str]


def _first(value: Any) -> Any:
    """The first item of a list (or of a Platform `{"headers": [...]}`), else the value."""
    if value.__class__ is dict:
        value = value.get("headers")
    if value.__class__ is list:
        return value[0] if value else None
    return value


def _headers(headers: Any, signals: Signals) -> None:
    for key, value in headers.items():
        # Only names as long as the three wanted are worth lowering (most headers are not).
        if len(key) in HEADER_LENGTHS:
            name = HTTP_HEADERS.get(key.lower().replace("_", "-"))
            if name:
                put(signals, name, _first(value))


def _favicons(favicons: Any, signals: Signals) -> None:
    for favicon in favicons:
        if not favicon:
            continue
        md5 = favicon.get("md5_hash") or favicon.get("hash_md5")
        if md5.__class__ is str:
            signals["favicon.md5"] = md5.lower()
        put(signals, "favicon.mmh3", favicon.get("hash_shodan"))
        return


def _http(response: Any, signals: Signals) -> None:
    headers = response.get("headers")
    if headers:
        _headers(headers, signals)
    title = response.get("html_title")
    if title:
        put(signals, "http.title", title)
    body = response.get("body")
    if body and body.__class__ is str:
        kept = body[:BODY_KEEP].strip()  # not put(): that keeps 4 KB, the body gets 8
        if kept:
            signals["http.body"] = kept
    favicons = response.get("favicons")
    if favicons:
        _favicons(favicons, signals)


def _certificate(service: Any, signals: Signals) -> None:
    tls = service.get("tls")
    certificates = tls.get("certificates") if tls else None
    leaf = certificates.get("leaf_data") if certificates else None
    if not leaf:
        cert = service.get("cert")
        leaf = cert.get("parsed") if cert else None
    if leaf:
        put(signals, "tls.subject", leaf.get("subject_dn"))
        put(signals, "tls.issuer", leaf.get("issuer_dn"))


def _software(service: Any, signals: Signals) -> None:
    for item in service.get("software") or ():
        if item and item.get("vendor"):
            put(signals, "vendor", item.get("vendor"))
            put(signals, "service.product", item.get("product"))
            put(signals, "service.version", item.get("version"))
            return
    for item in service.get("hardware") or ():
        if item and item.get("manufacturer"):
            put(signals, "vendor", item.get("manufacturer"))
            return


def _snmp(snmp: Any, signals: Signals) -> None:
    system = snmp.get("oid_system") or snmp
    put(signals, "snmp.sysdescr", system.get("desc") or system.get("sysdescr"))
    put(signals, "snmp.sysobjectid", system.get("object_id") or system.get("sysobjectid"))


def _banner(service: Any, kind: str, signals: Signals) -> None:
    """What the raw banner says, by service: the fields the structured data did not give."""
    text = service.get("banner")
    if not text or text.__class__ is not str:
        return
    if text.startswith("RTSP/"):
        headers = headers_of(text)
        put(signals, "rtsp.server", headers.get("server"))
        put(signals, "rtsp.realm", headers.get("www-authenticate"))
    elif text.startswith("HTTP/"):
        headers = headers_of(text)
        for header, name in HTTP_HEADERS.items():
            if name not in signals:
                put(signals, name, headers.get(header))
    elif kind in BANNER_FIELDS:
        field = BANNER_FIELDS[kind]
        if field not in signals:
            put(signals, field, text.partition("\n")[0] if kind == "SSH" else text)
    elif kind != "SNMP":
        put(signals, "banner", text[:BANNER_KEEP])


def _protocol_fields(service: Any, signals: Signals) -> None:
    http = service.get("http")
    if http:
        _http(http.get("response") or http, signals)
    for endpoint in service.get("endpoints") or ():
        # Platform: one entry per path fetched; the first with HTTP data speaks for it.
        if endpoint and endpoint.get("http") and "http.server" not in signals:
            _http(endpoint["http"], signals)
    ssh = service.get("ssh")
    endpoint_id = ssh.get("endpoint_id") if ssh else None
    if endpoint_id:
        put(signals, "ssh.banner", endpoint_id.get("raw"))
    snmp = service.get("snmp")
    if snmp:
        _snmp(snmp, signals)


def _service(service: Any, host: Signals) -> tuple[int | None, Signals]:
    signals = dict(host)
    _protocol_fields(service, signals)
    _certificate(service, signals)
    _software(service, signals)
    kind = service.get("service_name") or service.get("protocol") or ""
    _banner(service, str(kind).upper(), signals)
    port = service.get("port")
    return (None if port is None else int(port)), signals


def _host_signals(host: dict[str, Any]) -> Signals:
    signals: Signals = {}
    dns = host.get("dns")
    if dns:
        reverse = dns.get("reverse_dns")
        names = (reverse.get("names") if reverse else None) or dns.get("names")
        if names:
            put(signals, "hostname", names[0])
    return signals


def _unwrap(record: dict[str, Any]) -> dict[str, Any]:
    """The host object inside an API answer or Platform record (at most three levels)."""
    for _ in range(3):
        if "ip" in record or "services" in record:
            return record
        inner = next((record[key] for key in WRAPPERS if key in record), None)
        if inner.__class__ is not dict:
            return record
        record = inner
    return record


def to_observations(record: Any, source: str, line: int) -> list[Observation]:
    """One parsed Censys host line as Observations, one per service; [] when it names no
    host. Raises ValueError when the line is JSON of the wrong shape."""
    if record.__class__ is not dict:
        raise ValueError("not a JSON object")
    try:
        host = _unwrap(record)
        ip = host.get("ip")
        if not ip:
            return []
        if ip.__class__ is not str:
            raise ValueError("ip is not a string")
        common = _host_signals(host)
        services = host.get("services") or ()
        found: list[Observation] = []
        for service in services:
            port, signals = _service(service, common)
            found.append(Observation(ip, port, signals, source, line))
    except (AttributeError, TypeError, LookupError, OverflowError) as error:
        raise ValueError(f"unexpected Censys host shape ({error})") from None
    return found or [Observation(ip, None, common, source, line)]


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    """Every service of every host line as an Observation; bad lines counted."""
    loads = orjson.loads
    convert = to_observations
    line = 0
    for batch in batches(stream, source, report):
        for raw in batch:
            line += 1
            try:
                found = convert(loads(raw), source, line)
            except ValueError as error:
                if raw.strip():
                    report.add_bad(source, line, bad_reason(error))
                continue
            report.records += 1
            yield from found


def sniff(head: bytes) -> bool:
    """Whether the first non-blank line is a JSON object with `ip` and `services` (or
    such an object inside `result` / `host`)."""
    record, compact = first_object(head)
    if record is None:
        # A first line longer than the head: judge by its bytes.
        return b'"ip":' in compact and b'"services":[' in compact
    host = _unwrap(record)
    return "ip" in host and isinstance(host.get("services"), list)
