"""nmap XML (-oX): hosts, open ports, -sV service details and NSE script output.

One Observation per open port of a host, carrying the host's MAC and name; a host with no
open port but a MAC or name gives one Observation without a port. Streamed with defusedxml's
iterparse, the tree cleared after every host, so a multi-GB scan reads in flat memory.
Entity declarations are refused (an XML bomb is one); a file cut off mid-way gives every
host before the cut and one bad record where it breaks. masscan's -oX is nmap-shaped and is
read here too: its banners sit on <service banner="...">.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import iterparse as defused_iterparse

from camwatch.netaudit.certificates import dn_string
from camwatch.netaudit.observation import (
    AuditInputError,
    Observation,
    ReadReport,
    normalise_mac,
    put,
)
from camwatch.netaudit.readers.common import valid_ip
from camwatch.netaudit.readers.masscan import (
    SERVICE_BANNERS,
    TITLE,
    banner_signals,
    header_signals,
    put_new,
    unescape,
)

NAME = "nmap"
BOMB = "XML entity declarations refused (possible XML bomb)"
REFUSED = (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden)
# <nmaprun after nothing but the XML declaration, processing instructions (nmap writes an
# xml-stylesheet one), comments and a doctype.
PROLOG = re.compile(
    rb"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>\s*)*<nmaprun\b",
    re.DOTALL,
)
NO_TITLE = ("Site doesn't have a title", "Did not follow redirect", "Requested resource was")
MD5 = re.compile(r"\b[0-9A-Fa-f]{32}\b")
ENTERPRISE_OID = re.compile(r"\b1\.3\.6\.1\.4\.1(?:\.\d+)+\b")
SUBJECT_LINE = r"(?im)^\s*{}:\s*(.+)$"


def sniff(head: bytes) -> bool:
    return PROLOG.match(head.removeprefix(codecs.BOM_UTF8)) is not None


class _HostLines(TreeBuilder):
    """A tree builder that notes the line each <host> starts on: iterparse hands elements
    over a chunk late, when the parser's own position is already further on."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: deque[int] = deque()

    def start(self, tag: Any, attrs: dict[str, str], /) -> Element:
        if tag == "host":
            self.lines.append(self.parser.parser.CurrentLineNumber)
        return super().start(tag, attrs)


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    builder = _HostLines()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    events = defused_iterparse(stream, events=("start", "end"), parser=parser)
    try:
        yield from _hosts(events, builder.lines, source, report)
    except REFUSED as error:
        raise AuditInputError(BOMB, source=source) from error
    except DefusedXmlException as error:
        raise AuditInputError(f"XML refused: {error}", source=source) from error
    except EOFError:
        line = getattr(getattr(parser, "parser", None), "CurrentLineNumber", 1)
        report.add_bad(source, line, "file ends early (truncated compressed data)")
    except (OSError, zlib.error) as error:
        raise AuditInputError(f"cannot read: {error}", source=source) from error


def _hosts(
    events: Iterator[tuple[str, Element]], lines: deque[int], source: str, report: ReadReport
) -> Iterator[Observation]:
    root: Element | None = None
    depth = 0
    try:
        for event, elem in events:
            if event == "start":
                depth += 1
                root = root if root is not None else _root(elem, source)
                continue
            depth -= 1
            if elem.tag == "host":
                yield from _host(elem, source, lines.popleft(), report)
            if depth == 1 and root is not None:
                root.clear()  # what the scan said so far is read: let it go
    except (DefusedXmlException, AuditInputError):
        raise
    except (ParseError, ValueError, LookupError) as error:
        line = getattr(error, "position", (1, 0))[0]
        if root is None:
            raise AuditInputError(f"not XML: {error}", source=source, line=line) from error
        report.add_bad(source, line, f"XML breaks off or is malformed here: {error}")


def _root(elem: Element, source: str) -> Element:
    if elem.tag != "nmaprun":
        raise AuditInputError(f"not nmap XML: the root element is <{elem.tag}>", source=source)
    return elem


def _host(host: Element, source: str, line: int, report: ReadReport) -> Iterator[Observation]:
    """The observations of one <host>, which is one record however many ports it has."""
    ip, shared = _identity(host)
    if ip is None and not shared:
        report.add_bad(source, line, "host without an address")
        return
    report.records += 1
    status = host.find("status")
    if status is not None and status.get("state") == "down":
        return
    ports = [port for port in host.iterfind("ports/port") if _is_open(port)]
    for port in ports:
        yield Observation(ip, _port_number(port), _port_signals(port, shared), source, line)
    if not ports and shared:
        yield Observation(ip, None, dict(shared), source, line)


def _identity(host: Element) -> tuple[str | None, dict[str, str]]:
    """The host's address, and the signals every one of its ports shares (MAC, name)."""
    ip = None
    signals: dict[str, str] = {}
    for address in host.iterfind("address"):
        kind = address.get("addrtype")
        if kind in ("ipv4", "ipv6") and ip is None:
            ip = valid_ip(address.get("addr"))
        elif kind == "mac":
            put_new(signals, "mac", normalise_mac(address.get("addr") or ""))
    names = host.findall("hostnames/hostname")
    # The reverse-DNS name is what the network calls the device; a "user" name is only
    # what the scan was told to look for.
    names.sort(key=lambda name: name.get("type") != "PTR")
    if names:
        put(signals, "hostname", names[0].get("name"))
    return ip, signals


def _is_open(port: Element) -> bool:
    state = port.find("state")
    return state is not None and state.get("state") == "open"


def _port_number(port: Element) -> int | None:
    text = port.get("portid", "")
    return int(text) if text.isascii() and text.isdigit() and int(text) <= 65535 else None


def _port_signals(port: Element, shared: dict[str, str]) -> dict[str, str]:
    signals = dict(shared)
    service = port.find("service")
    name = ""
    if service is not None:
        name = (service.get("name") or "").lower()
        _service(service, signals)
    for script in port.iterfind("script"):
        handler = SCRIPTS.get(script.get("id") or "")
        if handler is not None:
            handler(script, signals, name)
    if service is not None:
        put_new(signals, "banner", service.get("extrainfo"))
    return signals


def _service(service: Element, signals: dict[str, str]) -> None:
    put(signals, "service.product", service.get("product"))
    put(signals, "service.version", service.get("version"))
    put(signals, "service.devicetype", service.get("devicetype"))
    put_new(signals, "hostname", service.get("hostname"))
    banner = service.get("banner")  # masscan's -oX
    if banner:
        banner_signals(service.get("name") or "", unescape(banner), signals)


# --- scripts: each reads one NSE script's output into signals -----------------------------


def _output(script: Element) -> str:
    return script.get("output") or ""


def _elem(parent: Element, key: str) -> str | None:
    for elem in parent.iterfind("elem"):
        if elem.get("key") == key:
            return elem.text
    return None


def _server_header(script: Element, signals: dict[str, str], _: str) -> None:
    values = [elem.text for elem in script.iter("elem") if elem.text and elem.text.strip()]
    values += _output(script).strip().splitlines()[:1]
    if values and values[0].strip() != "<empty>":
        put_new(signals, "http.server", values[0])


def _title(script: Element, signals: dict[str, str], _: str) -> None:
    title = _elem(script, "title")
    if title is None:
        lines = _output(script).strip().splitlines()
        title = lines[0] if lines and not lines[0].startswith(NO_TITLE) else None
    put_new(signals, "http.title", title)


def _auth(script: Element, signals: dict[str, str], _: str) -> None:
    challenges = [_challenge(table) for table in script.iterfind("table")]
    value = ", ".join(challenge for challenge in challenges if challenge)
    put_new(signals, "http.wwwauth", value or _auth_from_output(_output(script)))


def _challenge(table: Element) -> str:
    """A WWW-Authenticate challenge as the server sent it, from http-auth's table."""
    scheme = _elem(table, "scheme")
    if not scheme:
        return ""
    params = table.find("table[@key='params']")
    pairs = [] if params is None else params.findall("elem")
    quoted = ", ".join(f'{pair.get("key")}="{pair.text or ""}"' for pair in pairs)
    return f"{scheme} {quoted}".strip()


def _auth_from_output(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    for line in lines:
        if line.lower().startswith("www-authenticate:"):
            return line.split(":", 1)[1]
    challenges = [line for line in lines if line and not line.startswith(("HTTP/", "Server "))]
    return ", ".join(challenges)


def _favicon(script: Element, signals: dict[str, str], _: str) -> None:
    # A known icon is printed by name (no hash to keep); an unknown one by its MD5.
    found = MD5.search(_output(script))
    if found is not None:
        put_new(signals, "favicon.md5", found.group().lower())


def _ssl_cert(script: Element, signals: dict[str, str], _: str) -> None:
    for key, name in (("subject", "tls.subject"), ("issuer", "tls.issuer")):
        table = script.find(f"table[@key='{key}']")
        if table is not None:
            pairs = [(elem.get("key") or "", elem.text or "") for elem in table.iter("elem")]
            put_new(signals, name, dn_string(pairs))
        else:
            put_new(signals, name, _dn_from_output(_output(script), key.capitalize()))


def _dn_from_output(text: str, label: str) -> str | None:
    """A name from ssl-cert's text: "Subject: commonName=x/organizationName=y"."""
    found = re.search(SUBJECT_LINE.format(label), text)
    if found is None:
        return None
    parts = re.split(r"/(?=[A-Za-z][\w.]*=)", found.group(1).strip())
    pairs = [part.partition("=") for part in parts]
    return dn_string((key, value) for key, _, value in pairs)


def _rtsp(script: Element, signals: dict[str, str], _: str) -> None:
    header_signals(_output(script).splitlines(), signals, rtsp=True)


def _http_headers(script: Element, signals: dict[str, str], _: str) -> None:
    header_signals(_output(script).splitlines(), signals, rtsp=False)


def _banner(script: Element, signals: dict[str, str], service: str) -> None:
    # The script wraps its output at 75 characters and escapes bytes as \xNN.
    text = unescape(_output(script).replace("\n", ""))
    put_new(signals, SERVICE_BANNERS.get(service, "banner"), text)


def _sysdescr(script: Element, signals: dict[str, str], _: str) -> None:
    text = _output(script).split("System uptime:")[0]
    put_new(signals, "snmp.sysdescr", " ".join(text.split()))
    _snmp_oid(script, signals, _)


def _snmp_oid(script: Element, signals: dict[str, str], _: str) -> None:
    texts = [_output(script)] + [elem.text or "" for elem in script.iter("elem")]
    for text in texts:
        found = ENTERPRISE_OID.search(text)
        if found is not None:
            put_new(signals, "snmp.sysobjectid", found.group())
            return


def _fingerprint_strings(script: Element, signals: dict[str, str], service: str) -> None:
    """The readable strings of responses nmap could not match, under each probe's name."""
    for elem in script.iterfind("elem"):
        lines = [line.strip() for line in (elem.text or "").strip().splitlines()]
        status = lines[0].upper() if lines else ""
        if status.startswith(("HTTP/", "RTSP/")):
            header_signals(lines[1:], signals, rtsp=status.startswith("RTSP/"))
            title = TITLE.search(elem.text or "") if status.startswith("HTTP/") else None
            put_new(signals, "http.title", title.group(1).strip() if title else None)
        elif "NULL" in (elem.get("key") or "").split(", "):
            put_new(signals, SERVICE_BANNERS.get(service, "banner"), "\n".join(lines))


SCRIPTS: dict[str, Callable[[Element, dict[str, str], str], None]] = {
    "http-server-header": _server_header,
    "http-title": _title,
    "http-auth": _auth,
    "http-headers": _http_headers,
    "http-favicon": _favicon,
    "ssl-cert": _ssl_cert,
    "rtsp-methods": _rtsp,
    "banner": _banner,
    "snmp-sysdescr": _sysdescr,
    "snmp-info": _snmp_oid,
    "fingerprint-strings": _fingerprint_strings,
}
