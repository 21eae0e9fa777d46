"""ARP and neighbour tables: one Observation (address and MAC) per resolved entry.

Reads `ip neigh`, `arp -a` as Linux, the BSDs and macOS print it, Windows `arp -a`,
net-tools `arp -n`, /proc/net/arp and Cisco `show ip arp`. Unresolved entries
(incomplete, FAILED), broadcast and multicast addresses are skipped; headers and prose are
ignored; a line that holds an address but cannot be read is counted as bad.

"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import BinaryIO

from camwatch.netaudit.observation import (
    Observation,
    ReadReport,
    normalise_mac,
    put,
)
from camwatch.netaudit.readers.common import MAX_LINE, UTF16_BOMS, text_lines, valid_ip

NAME = "arp"
SKIP = "skip"

_MAC = r"(?P<mac>[0-9A-Fa-f]{1,2}(?:[:-][0-9A-Fa-f]{1,2}){5}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2})"
ROWS = (
    # ip neigh: 192.168.1.10 dev eth0 lladdr 44:19:b6:aa:bb:cc REACHABLE
    re.compile(r"^(?P<ip>\S+)\s+(?:dev\s+\S+\s+)?lladdr\s+(?P<mac>\S+)"),
    # arp -a (Linux, BSD, macOS): host.lan (10.0.0.2) at 44:19:b6:aa:bb:cc [ether] on eth0
    re.compile(r"^(?P<name>\S+)\s+\((?P<ip>[^)\s]+)\)\s+at\s+(?P<mac>\S+)"),
    # Windows arp -a:   192.168.1.10          44-19-b6-aa-bb-cc     dynamic
    re.compile(r"^\s*(?P<ip>\d{1,3}(?:\.\d{1,3}){3})\s+" + _MAC + r"\s+\w+\s*$"),
    # /proc/net/arp: 192.168.1.10  0x1  0x2  44:19:b6:aa:bb:cc  *  eth0
    re.compile(r"^(?P<ip>\S+)\s+0x[0-9a-fA-F]+\s+(?P<flags>0x[0-9a-fA-F]+)\s+(?P<mac>\S+)\s+\S+"),
    # net-tools arp: 192.168.1.10  ether  44:19:b6:aa:bb:cc  C  eth0 (a name without -n)
    re.compile(r"^(?P<host>\S+)\s+ether\s+(?P<mac>\S+)(?:\s|$)"),
    # Cisco show ip arp: Internet  192.168.1.10  5  4419.b6aa.bbcc  ARPA  Vlan10
    re.compile(r"^Internet\s+(?P<ip>\S+)\s+\S+\s+(?P<mac>\S+)\s+ARPA\b"),
)
# Lines that are neither entries nor errors: headers, and entries that never resolved.
NOT_ENTRIES = re.compile(
    r"^\s*(?:Interface:|Internet Address\s|IP address\s+HW type|Address\s+HWtype"
    r"|Protocol\s+Address\s|No ARP Entries)"
    r"|^\S+\s+dev\s+\S+(?!.*\blladdr\b)"
    r"|\((?:incomplete)\)|<incomplete>|\bIncomplete\b",
    re.IGNORECASE,
)
HOSTNAME = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$")
UNRESOLVED = frozenset({"<incomplete>", "(incomplete)", "incomplete", "failed"})
# What makes an unreadable line "data" rather than prose: an address in it.
DATA_LIKE = re.compile(
    r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9A-Fa-f]{1,2}(?:[:-][0-9A-Fa-f]{1,2}){5}"
    r"|[0-9A-Fa-f]{0,4}::[0-9A-Fa-f]"
)


def sniff(head: bytes) -> bool:
    encoding = "utf-16" if head[:2] in UTF16_BOMS else "utf-8"
    text = head.decode(encoding, errors="replace")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    return any(pattern.search(line) for line in lines for pattern in ROWS) or any(
        re.match(r"^\s*(?:Interface: \S+ --- |IP address\s+HW type\s+Flags)", line)
        for line in lines
    )


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    for number, line in text_lines(stream, source, report):
        if line is None:
            report.add_bad(source, number, f"line longer than {MAX_LINE} characters")
            continue
        entry = entry_of(line)
        if entry == SKIP:
            continue
        if isinstance(entry, str):
            report.add_bad(source, number, entry)
            continue
        ip, mac, name = entry
        signals = {"mac": mac}
        put(signals, "hostname", name)
        report.records += 1
        yield Observation(ip, None, signals, source, number)


def entry_of(line: str) -> tuple[str | None, str, str | None] | str:
    """(address, MAC, host name) of a table row; SKIP for a header, a blank line or an
    unresolved, broadcast or multicast entry; otherwise why the row cannot be read."""
    if not line.strip():
        return SKIP
    for pattern in ROWS:
        found = pattern.match(line)
        if found is not None:
            return _checked(found)
    if NOT_ENTRIES.search(line) or not DATA_LIKE.search(line):
        return SKIP
    return "not a neighbour-table row"


def _checked(found: re.Match[str]) -> tuple[str | None, str, str | None] | str:
    groups = found.groupdict()
    raw_mac = groups["mac"]
    if raw_mac.lower() in UNRESOLVED or groups.get("flags") == "0x0":
        return SKIP
    address = groups.get("ip") or groups["host"]
    ip = valid_ip(address.split("%")[0])
    name = groups.get("name")
    if ip is None and groups.get("host") and HOSTNAME.match(address):
        name = address  # net-tools `arp` without -n prints the name in place of the address
    elif ip is None:
        return f"invalid address {address[:60]!r}"
    mac = _mac(raw_mac)
    if mac is None:
        return f"invalid MAC address {raw_mac[:60]!r}"
    if not _unicast(ip, mac):
        return SKIP
    return ip, mac, None if name in (None, "?") else name


def _mac(value: str) -> str | None:
    """A MAC address, also as macOS prints it (leading zeros dropped: 0:1c:42:0:0:8)."""
    octets = re.split(r"[:-]", value)
    if len(octets) == 6 and all(1 <= len(octet) <= 2 for octet in octets):
        value = ":".join(octet.zfill(2) for octet in octets)
    return normalise_mac(value)


def _unicast(ip: str | None, mac: str) -> bool:
    """Whether an entry is one device: not broadcast, multicast or the all-zero MAC."""
    if ip is not None and (ipaddress.ip_address(ip).is_multicast or ip == "255.255.255.255"):
        return False
    first_octet = int(mac[:2], 16)
    return not first_octet & 1 and mac != "00:00:00:00:00:00"
