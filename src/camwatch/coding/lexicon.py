"""Names in replies resolved to the vendor register and the device-model list, tolerant of
how officers write them ("HIK Vision", "Hik-vision", "DAHUA", "Dahua Technology UK").
Pure: it reads the bundled YAML, not the database, so it works without one.

A name is matched as words with optional spaces or hyphens between its parts, whatever the
case, except names that are also ordinary words ("Axis", "Milestone"), which must be
written as the register writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
# Names that are also English words or common abbreviations: matched case-sensitively.
ORDINARY_WORDS = frozenset({"axis", "milestone", "lts", "swann", "sony", "imou", "prama"})
# Who actually made a brand's equipment: relations strong enough to say so.
MAKER_RELATIONS = ("brand_of", "subsidiary_of", "oem_of", "joint_venture_of")
MAKER_CONFIDENCE = ("high", "medium")


@dataclass(frozen=True)
class Mention:
    vendor: str  # register slug of the name as written
    manufacturer: str  # who makes it, through the register's relations
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Lexicon:
    pattern: re.Pattern[str]
    exact: re.Pattern[str]
    by_name: dict[str, str]  # folded name -> slug
    makers: dict[str, str]  # slug -> manufacturer slug
    models: dict[str, str]  # folded model code -> vendor slug

    def mentions(self, text: str) -> list[Mention]:
        found = [*self._matches(self.pattern, text), *self._matches(self.exact, text)]
        found.sort(key=lambda m: (m.start, -m.end))
        kept: list[Mention] = []
        for mention in found:  # longest first at a position; no overlaps
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def _matches(self, pattern: re.Pattern[str], text: str) -> list[Mention]:
        out = []
        for match in pattern.finditer(text):
            slug = self.by_name.get(fold(match.group(0)))
            if slug:
                maker = self.makers.get(slug, slug)
                out.append(Mention(slug, maker, match.start(), match.end(), match.group(0)))
        return out

    def vendor_of(self, name: str) -> str | None:
        found = self.mentions(name)
        return found[0].vendor if found else None


def fold(name: str) -> str:
    return re.sub(r"[\s\-_.]+", "", name).lower()


def _name_pattern(name: str) -> str:
    words = re.split(r"[\s\-_]+", name.strip())
    return r"[\s\-]?".join(re.escape(word) for word in words if word)


@cache
def lexicon(data_dir: Path = DATA) -> Lexicon:
    register = yaml.safe_load((data_dir / "vendors.yaml").read_text(encoding="utf-8"))
    by_name: dict[str, str] = {}
    loose: list[str] = []
    exact: list[str] = []
    makers: dict[str, str] = {}
    for vendor in register["vendors"]:
        slug = vendor["slug"]
        for name in [vendor["name"], *vendor.get("aliases", [])]:
            by_name.setdefault(fold(name), slug)
            (exact if fold(name) in ORDINARY_WORDS else loose).append(_name_pattern(name))
        makers[slug] = _maker(vendor)
    return Lexicon(
        pattern=_alternation(loose, re.IGNORECASE),
        exact=_alternation(exact, 0),
        by_name=by_name,
        makers=makers,
        models=_models(data_dir),
    )


def _alternation(names: list[str], flags: int) -> re.Pattern[str]:
    ordered = sorted(set(names), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(ordered) + r")(?![\w])", flags)


def _maker(vendor: dict[str, object]) -> str:
    relations = vendor.get("relations") or []
    assert isinstance(relations, list)
    for relation in relations:
        if relation["kind"] in MAKER_RELATIONS and relation["confidence"] in MAKER_CONFIDENCE:
            return str(relation["target"])
    return str(vendor["slug"])


def _models(data_dir: Path) -> dict[str, str]:
    listed = yaml.safe_load((data_dir / "device_models.yaml").read_text(encoding="utf-8"))
    return {fold(model["code"]): model["vendor"] for model in listed["device_models"]}
