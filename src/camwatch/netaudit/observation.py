"""What one record of a scan or inventory says about one host: the contract every reader
fulfils and every matcher consumes.

A reader yields `Observation`s. Each carries the host's address (and port, when the record
is about one service) and a flat mapping from signal field names (`FIELDS`) to the text the
record holds. Fields a record lacks are absent, never empty strings. Where a record is bad
(invalid JSON, a row without an address), the reader counts it in its `ReadReport`, with
its line number, and goes on: one broken line never loses the rest of a 10 GB file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

# Signal fields. The fingerprint rules name these; readers fill them.
FIELDS: Mapping[str, str] = {
    "http.server": "HTTP Server header",
    "http.wwwauth": "HTTP WWW-Authenticate header (the whole challenge)",
    "http.title": "HTML <title> text",
    "http.body": "HTML body (or its first part)",
    "http.location": "HTTP Location header",
    "favicon.md5": "MD5 of the favicon, lower-case hex",
    "favicon.mmh3": "Shodan's favicon hash: signed 32-bit MurmurHash3 of the base64 body",
    "tls.subject": "TLS certificate subject as one string, e.g. 'CN=..., O=...'",
    "tls.issuer": "TLS certificate issuer as one string",
    "rtsp.server": "RTSP Server header",
    "rtsp.realm": "RTSP WWW-Authenticate header",
    "telnet.banner": "Telnet banner or login prompt",
    "ftp.banner": "FTP greeting",
    "ssh.banner": "SSH identification string",
    "snmp.sysobjectid": "SNMP sysObjectID, dotted",
    "snmp.sysdescr": "SNMP sysDescr",
    "service.product": "A scanner's product name for the service (nmap's product)",
    "service.version": "A scanner's version for the service (nmap's version)",
    "service.devicetype": "A scanner's device type (nmap's devicetype)",
    "banner": "Any other raw banner text",
    "mac": "MAC address, normalised to upper-case AA:BB:CC:DD:EE:FF",
    "hostname": "Host name",
    "dhcp.vendor_class": "DHCP vendor class identifier (option 60)",
    "vendor": "Vendor or manufacturer as an inventory or device states it",
    "model": "Model as an inventory or device states it",
    "firmware": "Firmware version as an inventory or device states it",
    "serial": "Serial number",
    "hardware_id": "ONVIF HardwareId",
    "location": "Where an inventory says the device is",
}


@dataclass(slots=True)
class Observation:
    """One record's signals about one host, and where the record came from."""

    ip: str | None
    port: int | None = None
    signals: dict[str, str] = field(default_factory=dict)
    source: str = ""
    line: int = 0

    def host_key(self) -> str:
        """The key that groups observations of the same host: address, else MAC, else
        host name, else the record's own position."""
        return (
            self.ip
            or self.signals.get("mac")
            or self.signals.get("hostname")
            or f"{self.source}:{self.line}"
        )


class AuditInputError(ValueError):
    """Input the audit cannot read at all (not one bad record: the whole file).

    The message names the file and, where known, the line.
    """

    def __init__(self, message: str, *, source: str = "", line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = source + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class BadRecord:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}, line {self.line}: {self.reason}"


@dataclass
class ReadReport:
    """Counts of what a reader read, and the bad records with their line numbers.

    Every bad record is counted; the first `keep` are kept with their reason, so that a
    file of a million bad lines does not fill memory.
    """

    records: int = 0
    bad: int = 0
    examples: list[BadRecord] = field(default_factory=list)
    keep: int = 100
    formats: dict[str, int] = field(default_factory=dict)

    def add_bad(self, source: str, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.examples) < self.keep:
            self.examples.append(BadRecord(source, line, reason[:200]))

    def merge(self, other: ReadReport) -> None:
        self.records += other.records
        self.bad += other.bad
        room = self.keep - len(self.examples)
        self.examples.extend(other.examples[: max(room, 0)])
        for name, count in other.formats.items():
            self.formats[name] = self.formats.get(name, 0) + count


def clean(value: object, limit: int = 4096) -> str | None:
    """A signal value as text: stripped, bounded in length, None when empty."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text[:limit] if text else None


def put(signals: dict[str, str], name: str, value: object) -> None:
    """Set a signal when the value is not empty (readers call this for every field)."""
    text = clean(value)
    if text is not None:
        signals[name] = text


def normalise_mac(value: str) -> str | None:
    """AA:BB:CC:DD:EE:FF from any common spelling (colons, dashes, dots, none), or None."""
    digits = "".join(ch for ch in value if ch not in ":-. ").upper()
    if len(digits) != 12 or any(ch not in "0123456789ABCDEF" for ch in digits):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def port_number(value: object) -> int | None:
    """A TCP or UDP port from a number or a string of digits, or None when it is not one."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535:
        return value
    return None


Records = Iterator[Observation]
