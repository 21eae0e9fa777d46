"""The fast path for scan JSON Lines (zgrab2, Shodan, Censys): a pre-filter, then only
the lines that could match are parsed.

Internet-scale HTTP scans are mostly web servers that are not cameras. Every rule names
keywords, one of which is in every value it matches; Hyperscan finds all of them in a block
of raw bytes at gigabytes a second, so only lines that hold a keyword are parsed with
orjson and fused. Lines without one are checked for shape only (a JSON object on one line),
so broken lines are still counted, with their line numbers. `strict=True` parses every line.

Identification is memoised on what it depends on (the hits and the few signals fusion
reads), so a million records with the same few thousand banners fuse a few thousand
times. Each chunk's output is JSON bytes the parent writes as they come; the parent only
adds line numbers, which a chunk knows relative to its own first line.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import orjson

from camwatch.netaudit.fusion import DEFAULT_MIN_CONFIDENCE, Device, fuse
from camwatch.netaudit.observation import Observation
from camwatch.netaudit.rules import UNCACHED, Ruleset, bundled_rules
from camwatch.netaudit.summary import Summary
from camwatch.netaudit.vendors import VendorRegister, register

FAST_FORMATS = ("zgrab2", "shodan", "censys")
MEMO_LIMIT = 100_000
MISSING = object()
SEGMENT = 1 << 20
NO_MAC_OR_HOST = b',"mac":null,"hostname":null'
# One device's JSON line: the record's own fields around the shared template. PART stops
# where the line number goes, for chunks that do not know their first line's number.
LINE = b'{"ip":%b,"port":%b,%b%b,"records":[%b%d"]}\n'
PART = b'{"ip":%b,"port":%b,%b%b,"records":[%b'
OPEN, CLOSE, NEWLINE, RETURN = ord("{"), ord("}"), ord("\n"), ord("\r")


class Prefilter:
    """The byte offsets at which any trigger ends, found by Hyperscan, case-insensitively.

    Triggers are literal keywords and regular expressions; a regular expression Hyperscan
    cannot run exactly (a look-ahead, a back-reference) is run in its pre-filtering mode,
    which may match more but never less.
    """

    def __init__(self, keywords: Sequence[str], patterns: Sequence[str] = ()) -> None:
        import hyperscan

        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        expressions = [_literal(word) for word in keywords]
        expressions += [_hyperscan_regex(pattern) for pattern in patterns]
        caseless = hyperscan.HS_FLAG_CASELESS
        flags = [caseless] * len(keywords)
        flags += [caseless | hyperscan.HS_FLAG_PREFILTER] * len(patterns)
        self._database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )

    def scan(self, data: bytes) -> tuple[np.ndarray[Any, np.dtype[np.int64]], set[int]]:
        """Where triggers end, and which triggers (by position) were found at all."""
        found: tuple[list[int], set[int]] = ([], set())
        self._database.scan(data, match_event_handler=_collect, context=found)
        return np.array(found[0], dtype=np.int64), found[1]


def _literal(word: str) -> bytes:
    """A keyword as a Hyperscan expression that matches it literally."""
    return "".join(ch if ch.isalnum() else f"\\x{ord(ch):02x}" for ch in word).encode()


def _hyperscan_regex(pattern: str) -> bytes:
    """A Python regular expression as a looser Hyperscan trigger: no group names, and no
    look-arounds or end anchors, which mean "end of the code" to the grammar but would
    fail inside a longer text. Looser only ever matches more."""
    pattern = re.sub(r"\(\?P<\w+>", "(", pattern)
    pattern = re.sub(r"\(\?<?[=!][^()]*\)", "", pattern)
    return re.sub(r"(?<!\\)\$", "", pattern).encode()


def family_prefix(pattern: str) -> str:
    """A model pattern up to the end of its `family` group: every code the whole pattern
    matches holds it, and Hyperscan finds it for a fraction of the cost."""
    start = pattern.find("(?P<family>")
    if start < 0:
        return pattern
    depth = 0
    for index in range(start, len(pattern)):
        escaped = index > 0 and pattern[index - 1] == "\\"
        if pattern[index] == "(" and not escaped:
            depth += 1
        elif pattern[index] == ")" and not escaped:
            depth -= 1
            if depth == 0:
                return pattern[: index + 1]
    return pattern


def shortest_keywords(keywords: Sequence[str]) -> list[str]:
    """The keywords no shorter keyword is part of: a line holding "hikvision-webs" holds
    "webs" too, so one trigger finds both, with fewer matches to report."""
    kept: list[str] = []
    for word in sorted(set(keywords), key=lambda word: (len(word), word)):
        if not any(short in word for short in kept):
            kept.append(word)
    return kept


# A MAC address written with colons or dashes: the OUI rules' trigger.
MAC_PATTERNS = tuple(rf"[0-9a-f]{{2}}(?:{sep}[0-9a-f]{{2}}){{5}}" for sep in (":", "-"))


def triggers(
    ruleset: Ruleset, registry: VendorRegister, all_makers: bool = False
) -> tuple[list[str], list[str]]:
    """Everything that can make fusion name a maker, as pre-filter triggers: the rules'
    keywords, the vendor register's names, the model-code and firmware grammars that
    name a maker, and MAC addresses (for the OUI blocks). Unless `all_makers`, only what
    can name a vendor of concern: a record that could only be an Axis camera is not parsed,
    since only devices of concern are reported."""
    from camwatch.netaudit import grammar

    def wanted(manufacturer: str | None, brand: str | None = None) -> bool:
        return all_makers or concerns(registry, manufacturer, brand)

    rules = [rule for rule in ruleset.rules if wanted(rule.manufacturer, rule.brand)]
    names = {n for n, slug in registry.names.items() if n.isascii() and wanted(None, slug)}
    keywords = sorted(
        {w for rule in rules for w in rule.keywords} | {n for n in names if len(n) > 3}
    )
    patterns = [rf"\b{re.escape(name)}\b" for name in sorted(names) if len(name) <= 3]
    patterns += [
        family_prefix(rule.pattern.pattern)
        for rule in grammar.load_model_rules().rules
        if wanted(rule.manufacturer, rule.brand)
    ]
    patterns += [
        g.trigger or g.pattern.pattern
        for g in grammar.load_firmware_grammars().grammars
        if g.manufacturer and "build" in g.pattern.groupindex and wanted(g.manufacturer)
    ]
    return keywords, [*patterns, *MAC_PATTERNS]


def concerns(registry: VendorRegister, manufacturer: str | None, brand: str | None) -> bool:
    """Whether evidence for this maker or brand could name a vendor of concern."""
    slugs = [manufacturer, brand]
    slugs += [maker.manufacturer for maker in registry.makers(brand)] if brand else []
    return any(registry.of_concern(slug) for slug in slugs if slug)


def _collect(found_id: int, _start: int, end: int, _flags: int, found: Any) -> None:
    ends, ids = found  # the pair scan() was given
    ends.append(end)
    ids.add(found_id)


def _newline_masks(data: bytes) -> Iterator[tuple[int, np.ndarray[Any, Any]]]:
    """(offset, where the newlines are) a megabyte at a time, in one reused buffer, so
    that no chunk-sized temporary is made."""
    array = np.frombuffer(data, dtype=np.uint8)
    scratch = np.empty(min(SEGMENT, len(array)), dtype=bool)
    for offset in range(0, len(array), SEGMENT):
        segment = array[offset : offset + SEGMENT]
        mask = scratch[: len(segment)]
        np.equal(segment, NEWLINE, out=mask)
        yield offset, mask


def newline_positions(data: bytes) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Offsets of every newline."""
    parts = [np.flatnonzero(mask) + offset for offset, mask in _newline_masks(data)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def line_bounds(data: bytes) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Start and end (exclusive) offsets of every line, the last one unterminated or not."""
    newlines = newline_positions(data)
    ends = newlines
    if len(data) and (not len(newlines) or newlines[-1] != len(data) - 1):
        ends = np.append(newlines, len(data))
    starts = np.concatenate(([0], newlines[: len(ends) - 1] + 1)).astype(np.int64)
    return starts, ends


def misshapen(data: bytes, starts: np.ndarray[Any, Any], ends: np.ndarray[Any, Any]) -> list[int]:
    """Indexes of non-blank lines that are not one JSON object (no '{' first or '}' last)."""
    array = np.frombuffer(data, dtype=np.uint8)
    last = ends - 1
    if len(last):
        last = np.where((array[np.maximum(last, 0)] == RETURN) & (last > starts), last - 1, last)
    blank = last < starts
    first_ok = array[np.minimum(starts, max(len(array) - 1, 0))] == OPEN
    last_ok = array[np.maximum(last, 0)] == CLOSE
    bad = ~blank & ~(first_ok & last_ok)
    return [int(index) for index in np.flatnonzero(bad)]


def count_lines(data: bytes) -> int:
    """Lines in a block of whole lines (an unterminated last line counts): newlines
    counted, not located."""
    count = sum(int(np.count_nonzero(mask)) for _offset, mask in _newline_masks(data))
    return count + 1 if len(data) and bytes(data[-1:]) != b"\n" else count


@dataclass
class ChunkResult:
    """One chunk's output; `lines` are 1-based within the chunk."""

    lines_in_chunk: int
    numbered: bool = False  # whether line numbers are already the file's own
    output: bytes = b""  # the finished JSON Lines, when numbered
    parts: list[bytes] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    # Each record's shared device template, counted once per chunk at close.
    hits: list[Device] = field(default_factory=list, repr=False)

    def renumber(self, base: int) -> None:
        """Make chunk-relative line numbers the file's own and finish the output."""
        if self.numbered:
            return
        self.output = b"".join(map(finish_line, self.parts, [base + n for n in self.lines]))
        self.parts = []
        self.bad = [(base + line, reason) for line, reason in self.bad]
        if self.devices:  # collected only when asked for; then one per emitted line
            self.devices = [
                _at_line(device, base + line)
                for device, line in zip(self.devices, self.lines, strict=True)
            ]
        self.lines = [base + line for line in self.lines]
        self.numbered = True

    def close(self, registry: VendorRegister) -> None:
        templates = {id(device): device for device in self.hits}
        for key, times in Counter(map(id, self.hits)).items():
            self.summary.add(templates[key], registry, times)
        self.hits = []
        self.summary.bad = len(self.bad)
        if self.numbered:
            self.output = b"".join(self.parts)
            self.parts = []


@dataclass(frozen=True)
class Options:
    fmt: str
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    strict: bool = False
    output: bool = True
    collect: bool = False
    all_makers: bool = False


class Engine:
    """Everything one process needs to audit chunks: rules, register, pre-filter, memo."""

    def __init__(self, options: Options, ruleset: Ruleset | None = None) -> None:
        self.options = options
        self.ruleset = ruleset or bundled_rules()
        self.register: VendorRegister = register()
        keywords, patterns = triggers(self.ruleset, self.register, options.all_makers)
        gates = {
            name: {word for rule in self.ruleset.by_field.get(name, ()) for word in rule.keywords}
            for name in UNCACHED
        }
        # The uncached fields' own keywords stay triggers of their own, so that the chunk
        # says exactly which of them it holds.
        kept = sorted(set(shortest_keywords(keywords)) | set().union(*gates.values()))
        self.prefilter = Prefilter(kept, patterns)
        position = {word: index for index, word in enumerate(kept)}
        self._gate_ids = {name: {position[word] for word in words} for name, words in gates.items()}
        self._live: dict[str, bool] = {}
        self._any_live = True
        self._memo: dict[tuple[Any, ...], tuple[bytes, Device] | None] = {}
        self._prefix = b""
        self._source = ""
        self._base = 0
        module = importlib.import_module(f"camwatch.netaudit.readers.{options.fmt}")
        # A reader gives one observation per record (zgrab2, Shodan) or several (Censys).
        self.single: Callable[[Any, str, int], Observation | None] | None = getattr(
            module, "to_observation", None
        )
        if self.single is None:
            self.many: Callable[[Any, str, int], list[Observation]] = module.to_observations

    def chunk(self, data: bytes, source: str, base: int | None = None) -> ChunkResult:
        """Audit one block of whole lines. With `base`, the number of lines before the
        block, line numbers are the file's own and the output is finished here."""
        starts, ends = line_bounds(data)
        result = ChunkResult(lines_in_chunk=len(starts), numbered=base is not None)
        self._base = base or 0
        result.summary.records = len(starts)
        if self.options.strict:
            wanted = np.arange(len(starts))
            self._live, self._any_live = {}, True
        else:
            hit_ends, found = self.prefilter.scan(data)
            wanted = np.unique(np.searchsorted(ends, hit_ends - 1))
            # A body rule can match only where one of its keywords is: when none is in
            # the chunk, bodies are not searched at all.
            self._live = {name: bool(ids & found) for name, ids in self._gate_ids.items()}
            self._any_live = any(self._live.values())
            for index in misshapen(data, starts, ends):
                if index not in wanted:
                    result.bad.append((self._base + index + 1, "not a JSON object on one line"))
        self._prefix = orjson.dumps(f"{source}:")[:-1]
        self._source = source
        numbers = wanted + 1 + self._base
        self._lines(data, starts[wanted].tolist(), ends[wanted].tolist(), numbers, result)
        result.close(self.register)
        return result

    def _lines(
        self, data: bytes, starts: list[int], ends: list[int], numbers: Any, result: ChunkResult
    ) -> None:
        # The hot loop: plain lists and local names, one call per record.
        loads, parsed, source = orjson.loads, self._parsed, self._source
        for start, end, number in zip(starts, ends, numbers.tolist(), strict=True):
            line = data[start:end]
            try:
                record = loads(line)
            except orjson.JSONDecodeError as error:
                if bytes(line).strip():  # a blank line is no record, not a bad one
                    result.bad.append((number, f"invalid JSON: {error.msg}"))
                continue
            parsed(record, number, source, result)

    def records(self, rows: list[Any], source: str) -> ChunkResult:
        """Audit already-parsed records (a Parquet partition's rows)."""
        result = ChunkResult(lines_in_chunk=len(rows))
        self._base, self._live, self._any_live = 0, {}, True
        result.summary.records = len(rows)
        self._prefix = orjson.dumps(f"{source}:")[:-1]
        for number, row in enumerate(rows, start=1):
            self._parsed(row, number, source, result)
        result.close(self.register)
        return result

    def _parsed(self, record: Any, number: int, source: str, result: ChunkResult) -> None:
        try:
            observations: Sequence[Observation]
            if self.single is not None:
                observation = self.single(record, source, number)
                observations = () if observation is None else (observation,)
            else:
                observations = self.many(record, source, number)
        except ValueError as error:
            result.bad.append((number, str(error)[:200]))
            return
        memo, live = self._memo, self._any_live
        for observation in observations:
            # The memo lookup inline: most records are a banner seen before.
            items = observation.signals.items()
            if live:
                key = self._key(observation)
            else:
                key = tuple([item for item in items if item[0] not in UNCACHED])
            found: Any = memo.get(key, MISSING)
            if found is MISSING:
                found = self._identify(observation, key)
            if found is not None:
                self._emit(found, observation, number, source, result)

    def _key(self, observation: Observation) -> tuple[Any, ...]:
        """What identification depends on: a cached field's hits are a function of its
        value, so the signals themselves; a never-repeating field (a body, a raw banner)
        by what its rules found in it."""
        return tuple(
            [
                (name, self._uncached(name, value) if name in UNCACHED else value)
                for name, value in observation.signals.items()
            ]
        )

    def _identify(self, observation: Observation, key: tuple[Any, ...]) -> Any:
        device = fuse([observation], self.ruleset, self.register, self.options.min_confidence)
        if device is not None and not (device.of_concern or self.options.all_makers):
            device = None
        entry = None if device is None else (template_bytes(device, self.register), device)
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = entry
        return entry

    def _uncached(self, name: str, value: str) -> tuple[tuple[str, str], ...]:
        if not self._live.get(name, True):
            return ()
        return tuple([(hit.rule.id, hit.matched) for hit in self.ruleset.match(name, value)])

    def _emit(
        self,
        found: tuple[bytes, Device],
        observation: Observation,
        number: int,
        source: str,
        result: ChunkResult,
    ) -> None:
        template, device = found
        if self.options.output:
            signals, port = observation.signals, observation.port
            mac, host = signals.get("mac"), signals.get("hostname")
            who = (
                NO_MAC_OR_HOST
                if mac is None and host is None
                else b',"mac":%b,"hostname":%b' % (orjson.dumps(mac), orjson.dumps(host))
            )
            fields = (
                orjson.dumps(observation.ip),
                b"null" if port is None else b"%d" % port,
                template,
                who,
                self._prefix,
            )
            result.parts.append(LINE % (*fields, number) if result.numbered else PART % fields)
        result.lines.append(number)
        if self.options.collect:
            result.devices.append(personalise(device, observation, source, number))
        result.hits.append(device)


def template_bytes(device: Device, register: VendorRegister) -> bytes:
    """The device's JSON without its identity fields: the part records share."""
    shared = device.as_dict(register)
    for name in ("ip", "port", "mac", "hostname", "records"):
        del shared[name]
    return orjson.dumps(shared)[1:-1]


def personalise(device: Device, observation: Observation, source: str, line: int) -> Device:
    """A shared device template with one record's identity fields."""
    return dataclasses.replace(
        device,
        ip=observation.ip,
        port=observation.port,
        mac=observation.signals.get("mac"),
        hostname=observation.signals.get("hostname"),
        records=[f"{source}:{line}"],
    )


def _at_line(device: Device, line: int) -> Device:
    """A collected device, its one record moved to the file-wide line number."""
    source = device.records[0].rsplit(":", 1)[0]
    return dataclasses.replace(device, records=[f"{source}:{line}"])


def finish_line(part: bytes, line: int) -> bytes:
    """A chunk's output record with its file-wide line number."""
    return part + b'%d"]}\n' % line


@lru_cache(maxsize=8)
def engine_for(options: Options) -> Engine:
    return Engine(options)
