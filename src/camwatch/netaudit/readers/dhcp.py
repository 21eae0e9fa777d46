"""DHCP leases: ISC dhcpd.leases, dnsmasq leases and Kea's CSV lease files.

Every lease is emitted as it is read (the fusion groups a host's records), with the MAC,
the client's host name and, where the server kept it, the vendor class identifier
(option 60: many cameras send their maker and model there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from camwatch.netaudit.observation import Observation, ReadReport, normalise_mac, put
from camwatch.netaudit.readers.common import MAX_LINE, text_lines, valid_ip

NAME = "dhcp"

_QUOTED = r'"(?P<value>(?:[^"\\]|\\.)*)"'
_HEX = r"(?P<hex>[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2})*)"
LEASE_START = re.compile(r"^\s*lease\s+(?P<ip>\S+)\s*\{\s*$")
LEASE_LINES = (
    ("mac", re.compile(r"^\s*hardware\s+\S+\s+(?P<value>[0-9A-Fa-f:]+)\s*;")),
    ("hostname", re.compile(r"^\s*client-hostname\s+" + _QUOTED + r"\s*;")),
    ("hostname", re.compile(r"^\s*option\s+host-name\s+" + _QUOTED + r"\s*;")),
    # The server keeps option 60 only where its configuration says so, under a name the
    # administrator chose: vendor-class-identifier is the usual one.
    (
        "dhcp.vendor_class",
        re.compile(r"^\s*set\s+vendor[\w-]*\s*=\s*(?:" + _QUOTED + "|" + _HEX + r")\s*;"),
    ),
    (
        "dhcp.vendor_class",
        re.compile(r"^\s*option\s+vendor-class-identifier\s+(?:" + _QUOTED + "|" + _HEX + ")"),
    ),
)
# expiry, MAC (or IAID for IPv6), address, host name or *, client id or *
DNSMASQ = re.compile(r"^(?P<expiry>\d+)\s+(?P<hw>\S+)\s+(?P<ip>\S+)\s+(?P<name>\S+)(?:\s+\S+)?\s*$")
KEA_HEADER = re.compile(r"^address,(?:hwaddr|duid),")
ESCAPE = re.compile(r"\\([0-7]{3}|.)")

# A lease read: address, signals, the line where it starts.
_Lease = tuple[str | None, dict[str, str], int]


@dataclass
class _Block:
    """A `{ ... }` block being read: a lease (ip set) or one to skip (failover, ia-na)."""

    line: int
    ip: str | None
    depth: int = 1
    signals: dict[str, str] = field(default_factory=dict)


@dataclass
class _State:
    block: _Block | None = None
    kea_columns: list[str] | None = None


def sniff(head: bytes) -> bool:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if re.search(r"(?m)^\s*lease\s+[0-9A-Fa-f.:]+\s*\{", text):
        return True
    if "dhcpd.leases" in text or KEA_HEADER.match(text):
        return True
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    rows = [line for line in lines if not line.startswith(("duid ", "#"))]
    return bool(rows) and all(_dnsmasq_row(line) for line in rows[:5])


def _dnsmasq_row(line: str) -> bool:
    found = DNSMASQ.match(line)
    return found is not None and valid_ip(found["ip"]) is not None


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    state = _State()
    for number, line in text_lines(stream, source, report):
        if line is None:
            report.add_bad(source, number, f"line longer than {MAX_LINE} characters")
            continue
        result = _line(state, line, number)
        if isinstance(result, str):
            report.add_bad(source, number, result)
        elif result is not None:
            report.records += 1
            yield Observation(result[0], None, result[1], source, result[2])
    if state.block is not None and state.block.ip is not None:
        report.add_bad(source, state.block.line, "lease not closed: the file ends inside it")


def _line(state: _State, line: str, number: int) -> _Lease | str | None:
    """A lease when this line completes one, why the line is bad, or None."""
    text = line.strip()
    if not text or text.startswith("#") or text.startswith("duid "):
        return None  # dnsmasq writes its own DHCPv6 DUID on a line of its own
    if state.block is not None:
        return _in_block(state, text, number)
    if (found := LEASE_START.match(text)) is not None:
        ip = valid_ip(found["ip"])
        state.block = _Block(number, ip)  # a lease without a valid address is skipped whole
        return None if ip else f"invalid lease address {found['ip'][:60]!r}"
    if KEA_HEADER.match(text):
        state.kea_columns = text.split(",")
        return None
    if state.kea_columns is not None:
        return _kea(state.kea_columns, text, number)
    if DNSMASQ.match(text):
        return _dnsmasq(text, number)
    return _isc_statement(state, text, number)


def _in_block(state: _State, text: str, number: int) -> _Lease | str | None:
    block = state.block
    assert block is not None
    if LEASE_START.match(text) and block.ip is not None:
        # A new lease where the last one never closed: the file was cut and appended to.
        state.block = None
        reason = _line(state, text, number)
        return reason if isinstance(reason, str) else f"lease at line {block.line} not closed"
    block.depth += _braces(text)
    if block.depth > 0:
        if block.ip is not None:
            _lease_field(block.signals, text)
        return None
    state.block = None
    return None if block.ip is None else (block.ip, block.signals, block.line)


def _isc_statement(state: _State, text: str, number: int) -> str | None:
    """Other ISC statements (server-duid, authoring-byte-order) pass; blocks other than
    leases (failover peer, ia-na for DHCPv6) are skipped whole."""
    if text.endswith("{"):
        state.block = _Block(number, None, depth=_braces(text))
        return None
    if text.endswith((";", "}")) and re.match(r"^[a-z][\w-]*(?:\s|;)", text):
        return None
    return "not a lease line"


def _braces(text: str) -> int:
    """Opening minus closing braces outside quoted strings."""
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
    return unquoted.count("{") - unquoted.count("}")


def _lease_field(signals: dict[str, str], text: str) -> None:
    for name, pattern in LEASE_LINES:
        found = pattern.match(text)
        if found is None or name in signals:
            continue
        if name == "mac":
            put(signals, name, normalise_mac(found["value"]))
        elif found["value"] is not None:
            put(signals, name, _unquote(found["value"]))
        else:
            put(signals, name, _from_hex(found["hex"]))


def _unquote(value: str) -> str:
    """dhcpd's escapes: \\" and \\\\, and \\NNN octal for bytes that are not printable."""

    def one(found: re.Match[str]) -> str:
        code = found.group(1)
        return chr(int(code, 8) & 0xFF) if len(code) == 3 else code

    text = ESCAPE.sub(one, value)
    try:  # octal escapes are the bytes of UTF-8 text, read back here one by one
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def _from_hex(value: str) -> str:
    """dhcpd writes a value with unprintable bytes as colon-separated hex."""
    data = bytes(int(octet, 16) for octet in value.split(":"))
    return data.decode("utf-8", errors="replace").replace("\x00", "")


def _dnsmasq(text: str, number: int) -> _Lease | str:
    found = DNSMASQ.match(text)
    assert found is not None
    ip = valid_ip(found["ip"])
    if ip is None:
        return f"invalid lease address {found['ip'][:60]!r}"
    signals: dict[str, str] = {}
    # IPv6 leases hold the IAID where IPv4 ones hold the MAC; it is then not a MAC.
    put(signals, "mac", normalise_mac(found["hw"]))
    if found["name"] != "*":
        put(signals, "hostname", found["name"])
    return ip, signals, number


def _kea(columns: list[str], text: str, number: int) -> _Lease | str:
    values = text.split(",")
    if len(values) < len(columns):
        return f"{len(values)} columns where the header names {len(columns)}"
    row = dict(zip(columns, values, strict=False))
    ip = valid_ip(row.get("address"))
    if ip is None:
        return f"invalid lease address {row.get('address', '')[:60]!r}"
    signals: dict[str, str] = {}
    put(signals, "mac", normalise_mac(row.get("hwaddr", "")))
    # Kea writes commas inside values as &#x2c.
    put(signals, "hostname", row.get("hostname", "").replace("&#x2c", ",").rstrip("."))
    return ip, signals, number
