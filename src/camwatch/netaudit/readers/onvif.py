"""ONVIF GetDeviceInformation answers: Manufacturer, Model, FirmwareVersion, SerialNumber
and HardwareId, which on a rebadged unit often still name the real maker.

Reads a SOAP response saved as a file, several concatenated (each document ends at its
Envelope's end tag), or JSON Lines of {"ip", "port", "response": "<soap>"} or of the fields
themselves. Parsed with defusedxml: entity declarations are refused. A bare response does
not say whose it is: the address is taken from a device URL or a comment in it when there
is one.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

import orjson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from camwatch.netaudit.observation import (
    AuditInputError,
    Observation,
    ReadReport,
    port_number,
    put,
)
from camwatch.netaudit.readers.common import MAX_LINE, text_lines, valid_ip
from camwatch.netaudit.readers.nmap import BOMB, REFUSED

NAME = "onvif"
RESPONSE = "GetDeviceInformationResponse"
ELEMENTS = {
    "Manufacturer": "vendor",
    "Model": "model",
    "FirmwareVersion": "firmware",
    "SerialNumber": "serial",
    "HardwareId": "hardware_id",
}
# JSON keys, lower-cased, for each signal: ONVIF's own names and common spellings.
JSON_KEYS = {
    "vendor": ("manufacturer", "vendor"),
    "model": ("model",),
    "firmware": ("firmwareversion", "firmware_version", "firmware"),
    "serial": ("serialnumber", "serial_number", "serial"),
    "hardware_id": ("hardwareid", "hardware_id"),
}
ENVELOPE_END = re.compile(r"</(?:[\w.-]+:)?Envelope\s*>")
DECLARED_ENCODING = re.compile(r"^(<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']")
DEVICE_URL = re.compile(
    r"https?://\[?(?P<host>[0-9A-Fa-f.:]+?)\]?(?::(?P<port>\d{1,5}))?(?=[/\s\"'<]|$)", re.I
)
COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
MAX_DOCUMENT = 1 << 20


def sniff(head: bytes) -> bool:
    if RESPONSE.encode() in head:
        return True
    return b'"Manufacturer"' in head and b'"FirmwareVersion"' in head


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    pending: list[str] = []
    size, start = 0, 0
    for number, line in text_lines(stream, source, report):
        if line is None:
            report.add_bad(source, number, f"line longer than {MAX_LINE} characters")
            continue
        if not pending and line.lstrip().startswith("{"):
            yield from _counted(_json_line(line, source, number), report, source, number)
            continue
        if not pending and not line.strip():
            continue
        start = start if pending else number
        pending.append(line)
        size += len(line) + 1
        if ENVELOPE_END.search(line):
            rest = yield from _documents("\n".join(pending), source, start, report)
            pending, size, start = ([rest], len(rest), number) if rest.strip() else ([], 0, 0)
        elif size > MAX_DOCUMENT:
            report.add_bad(source, start, f"SOAP document longer than {MAX_DOCUMENT} characters")
            pending, size = [], 0
    if pending and RESPONSE in "\n".join(pending):
        # A bare response, without its envelope.
        yield from _counted(_document("\n".join(pending), source, start), report, source, start)
    elif pending:
        report.add_bad(source, start, "SOAP document not closed: the file ends inside it")


def _documents(
    text: str, source: str, line: int, report: ReadReport
) -> Generator[Observation, None, str]:
    """The observations of each whole document in text; returns what follows the last."""
    while (found := ENVELOPE_END.search(text)) is not None:
        document, text = text[: found.end()], text[found.end() :]
        yield from _counted(_document(document, source, line), report, source, line)
    return text


def _counted(
    result: Observation | str | None, report: ReadReport, source: str, line: int
) -> Iterator[Observation]:
    """Count a document or JSON line: bad (a reason), read (a Fault, None, is a refusal
    the device sent, not a broken record) or read with an observation."""
    if isinstance(result, str):
        report.add_bad(source, line, result)
        return
    report.records += 1
    if result is not None:
        yield result


def _document(text: str, source: str, line: int) -> Observation | str | None:
    """The observation of one SOAP document; None for a SOAP Fault (a refusal, not a
    broken record); else why it cannot be read."""
    root = parse_xml(text, source, line)
    if isinstance(root, str):
        return root
    response = next((e for e in root.iter() if _local(e.tag) == RESPONSE), None)
    if response is None:
        return None if any(_local(e.tag) == "Fault" for e in root.iter()) else f"no {RESPONSE}"
    signals: dict[str, str] = {}
    for child in response:
        name = ELEMENTS.get(_local(child.tag))
        if name is not None:
            put(signals, name, child.text)
    ip, port = _address(text)
    return Observation(ip, port, signals, source, line)


def parse_xml(text: str, source: str, line: int) -> Element | str:
    """The root of an XML document, or why it is not one; entity declarations raise."""
    start = text.find("<")  # a saved HTTP exchange has its headers in front
    body = text[start:].strip().lstrip("\ufeff") if start >= 0 else ""
    # The text is already decoded: the declared encoding no longer applies.
    body = DECLARED_ENCODING.sub(r"\1", body)
    try:
        root: Element = fromstring(body.encode("utf-8"), forbid_dtd=False)
    except REFUSED as error:
        raise AuditInputError(BOMB, source=source, line=line) from error
    except DefusedXmlException as error:
        raise AuditInputError(f"XML refused: {error}", source=source, line=line) from error
    except (ParseError, ValueError, LookupError) as error:
        return f"invalid XML: {error}"
    return root


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _address(text: str) -> tuple[str | None, int | None]:
    """The device's address (and port) from a device URL in the text, else from an IPv4
    address in a comment."""
    for found in DEVICE_URL.finditer(text):
        ip = valid_ip(found["host"])
        if ip is not None:
            default = 443 if found.group().lower().startswith("https") else 80
            port = int(found["port"]) if found["port"] else default
            return ip, port if port <= 65535 else None
    for comment in COMMENT.findall(text):
        for candidate in IPV4.findall(comment):
            if (ip := valid_ip(candidate)) is not None:
                return ip, None
    return None, None


def _json_line(line: str, source: str, number: int) -> Observation | str | None:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return f"invalid JSON: {error}"
    if not isinstance(record, dict):
        return "not a JSON object"
    fields = {str(key).lower(): value for key, value in record.items()}
    signals: dict[str, str] = {}
    response = fields.get("response")
    found: Observation | None = None
    if isinstance(response, str) and response.strip():
        parsed = _document(response, source, number)
        if parsed is None or isinstance(parsed, str):
            return parsed
        found, signals = parsed, parsed.signals
    for name, keys in JSON_KEYS.items():
        value = next((fields[key] for key in keys if isinstance(fields.get(key), str)), None)
        if name not in signals:
            put(signals, name, value)
    observation = _json_observation(fields, signals, source, number)
    if isinstance(observation, Observation) and observation.ip is None and found is not None:
        observation.ip, observation.port = found.ip, observation.port or found.port
    return observation


def _json_observation(
    fields: dict[str, Any], signals: dict[str, str], source: str, number: int
) -> Observation | str:
    raw = next((fields[key] for key in ("ip", "host", "address") if key in fields), None)
    ip, port = valid_ip(raw), port_number(fields.get("port"))
    if raw is not None and ip is None:
        return f"invalid address {str(raw)[:60]!r}"
    if ip is None:
        urls = fields.get("xaddrs") or fields.get("xaddr") or fields.get("url")
        ip, url_port = _address(urls) if isinstance(urls, str) else (None, None)
        port = port or url_port
    if ip is None and not signals:
        return "neither an address nor device information"
    return Observation(ip, port, signals, source, number)
