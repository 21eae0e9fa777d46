"""Matching organisation names: a supplier in a council's spending file to a vendor, a
body named in a contract to a public body. Pure: no Django.

Names are normalised (case, "&", punctuation, legal suffixes such as Ltd and plc, a
leading "The") and looked up exactly first. Otherwise they are scored with rapidfuzz
against every candidate, and the verdict says how far to trust the best one:

  exact      the normalised name equals a candidate's name or alias
  probable   score >= accept
  uncertain  review <= score < accept: a person must confirm it
  none       nothing scored review or more

Councils are compared by place and tier rather than as strings, so that "London Borough
of Camden", "Camden Council" and "Camden London Borough Council" agree while "Cambridge
City Council" and "Cambridgeshire County Council" do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# A name that only adds words to another (Synectics Security / Synectics) scores this
# fraction of rapidfuzz's token-set ratio, so with the default thresholds a strict subset
# reaches 90 at most: "uncertain", for a person to confirm, never "probable". Whole-name
# similarity (token_sort_ratio) is not discounted, so typos still score high.
SUBSET_WEIGHT = 0.9
# When the best two different candidates score this close, a person must choose.
AMBIGUITY_MARGIN = 3.0
# A council of another tier at the same place (City of Durham, County Durham) is another
# body: its place similarity is scaled down by this much.
OTHER_TIER_WEIGHT = 0.5

# Legal forms dropped from the end of a name: a supplier is "CHROMA VISION LTD" in one
# ledger and "Chroma Vision Limited" in the next. "uk" and "group" are dropped only at
# the end, so that "UK Power Networks" keeps its first word.
LEGAL_SUFFIXES = frozenset(
    {"ltd", "limited", "plc", "llp", "llc", "lp", "inc", "incorporated", "cic"}
    | {"co", "company", "uk", "group"}
    | {"cyf", "cyfyngedig"}  # Welsh: Cyfyngedig is Limited
    # Foreign forms, for camera makers' and integrators' parent companies
    | {"gmbh", "ag", "ab", "bv", "nv", "sa", "sarl", "srl", "spa", "oy", "pty", "pte"}
)
LEGAL_PHRASES = [
    (re.compile(r"\bpublic limited company\b"), "plc"),
    (re.compile(r"\blimited liability partnership\b"), "llp"),
    (re.compile(r"\blimited liability company\b"), "llc"),
    (re.compile(r"\bcommunity interest company\b"), "cic"),
]
# Councils' own styles, rewritten to "<place> <tier> council" so that the word order of
# "London Borough of X" and "X London Borough Council" does not matter.
COUNCIL_OF = re.compile(
    r"^(?P<tier>london borough|royal borough|metropolitan borough|borough|lb) of (?P<place>.+)$"
)
# "LB Camden" without the "of" only for the 32 London boroughs: L.B. Foster is a company.
LB = re.compile(r"^lb (?P<place>.+)$")
LONDON_BOROUGHS = frozenset(
    {"barking and dagenham", "barnet", "bexley", "brent", "bromley", "camden", "croydon"}
    | {"ealing", "enfield", "greenwich", "hackney", "hammersmith and fulham", "haringey"}
    | {"harrow", "havering", "hillingdon", "hounslow", "islington", "kensington and chelsea"}
    | {"kingston upon thames", "lambeth", "lewisham", "merton", "newham", "redbridge"}
    | {"richmond upon thames", "southwark", "sutton", "tower hamlets", "waltham forest"}
    | {"wandsworth", "westminster"}
)
CITY_OF = re.compile(r"^city of (.+) council$")
COUNCIL_ABBREVIATIONS = {
    "mbc": "metropolitan borough council",
    "cbc": "county borough council",
    "bc": "borough council",
    "dc": "district council",
}
# Tiers, longest first, and the group each belongs to: principal councils below county
# level go by many styles (Leeds City Council is a metropolitan borough; Westminster is a
# city and a London borough), so those are interchangeable; a county and a town or parish
# council are different bodies from a district of the same name.
TIERS = {
    "city and district": "local",
    "metropolitan borough": "local",
    "metropolitan district": "local",
    "london borough": "local",
    "royal borough": "local",
    "county borough": "local",
    "borough": "local",
    "district": "local",
    "city": "local",
    "county": "county",
    "town": "town",
    "parish": "town",
    "community": "town",
    "village": "town",
}


def normalise_name(name: str) -> str:
    """The form names are compared in: "The Chroma Vision Co. Ltd" -> "chroma vision"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"['\u2018\u2019`]", "", text)  # St John's -> st johns
    text = re.sub(r"\b(\w)\.", r"\1", text)  # P.L.C. -> plc, U.K. -> uk
    text = re.sub(r"[\W_]+", " ", text)  # any other punctuation separates words
    for pattern, short in LEGAL_PHRASES:
        text = pattern.sub(short, text)
    words = _trim(text.split())
    if words and words[-1] in COUNCIL_ABBREVIATIONS:
        words[-1:] = COUNCIL_ABBREVIATIONS[words[-1]].split()
    text = " ".join(words)
    # Until nothing changes, so that a normalised name normalises to itself (a rewrite
    # can expose another, as in "The London Borough of The X Ltd"). Each rewrite uses up
    # an "of", an "lb" or a trailing word, so there are at most as many as there are words.
    for _ in range(len(words) + 1):
        again = " ".join(_trim(_council_style(text).split()))
        if again == text:
            break
        text = again
    return text


def _council_style(text: str) -> str:
    """ "London Borough of X" -> "x london borough council"; "City of X Council" ->
    "x city council" unless X already names its tier (City of Bradford Metropolitan
    District Council)."""
    match = COUNCIL_OF.match(text)
    if match:
        tier = "london borough" if match["tier"] == "lb" else match["tier"]
        place = match["place"].removesuffix(" council")  # "London Borough of X Council"
        return f"{place} {tier} council"
    match = LB.match(text)
    if match and match["place"] in LONDON_BOROUGHS:
        return f"{match['place']} london borough council"
    match = CITY_OF.match(text)
    if match:
        parts = council_parts(match[1] + " council")
        return f"{match[1]} council" if parts and parts[1] else f"{match[1]} city council"
    return text


def _trim(words: list[str]) -> list[str]:
    """Without a leading "the" and trailing legal forms ("& Co" leaves a dangling "and");
    never down to nothing, so that a name that is all suffix still has a form."""
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] == "and"):
        words = words[:-1]
    return words


def council_parts(normalised: str) -> tuple[str, str] | None:
    """(place, tier) of a normalised council name, tier "" when unstated; else None."""
    words = normalised.split()
    if len(words) < 2 or words[-1] != "council":
        return None
    rest = " ".join(words[:-1])
    for tier in TIERS:
        if rest.endswith(" " + tier):
            return rest[: -len(tier) - 1], tier
    return rest, ""


def tiers_compatible(first: str, second: str) -> bool:
    return not first or not second or TIERS[first] == TIERS[second]


@dataclass(frozen=True)
class Match:
    key: str | None
    name: str  # the candidate's name or alias that matched; "" when none did
    score: float
    verdict: str  # exact, probable, uncertain or none


@dataclass(frozen=True)
class _Scored:
    key: str
    name: str
    score: float
    exact: bool


class NameIndex:
    """Candidates (key -> names and aliases) to match names against."""

    def __init__(
        self,
        candidates: Mapping[str, Sequence[str]],
        *,
        accept: float = 92,
        review: float = 75,
    ) -> None:
        if not 0 <= review <= accept <= 100:
            raise ValueError(f"need 0 <= review <= accept <= 100, not {review} and {accept}")
        self.accept = float(accept)
        self.review = float(review)
        # Scores this far below `review` are still computed, for the ambiguity guard.
        self._cutoff = max(0.0, self.review - AMBIGUITY_MARGIN)
        self._by_form: dict[str, list[tuple[str, str]]] = {}
        for key, names in candidates.items():
            for name in [names] if isinstance(names, str) else names:
                form = normalise_name(name)
                entries = self._by_form.setdefault(form, []) if form else []
                if form and all(seen != key for seen, _ in entries):
                    entries.append((key, name))
        self._forms = list(self._by_form)
        self._councils: dict[str, list[tuple[str, str]]] = {}  # place -> [(tier, form)]
        for form in self._forms:
            parts = council_parts(form)
            if parts:
                self._councils.setdefault(parts[0], []).append((parts[1], form))
        self._places = list(self._councils)

    def match(self, name: str) -> Match:
        """The best candidate; when the verdict is "none" the key is None and the score
        is the best within `AMBIGUITY_MARGIN` below `review`, else 0."""
        ranked = self._ranked(name)
        found = self._verdicts(ranked)
        if found and found[0].verdict != "none":
            return found[0]
        return Match(None, "", ranked[0].score if ranked else 0.0, "none")

    def matches(self, name: str, limit: int = 3) -> list[Match]:
        """Up to `limit` candidates for a person to choose from, best first: those
        scoring `review` or more (or exact), one per key."""
        found = [match for match in self._verdicts(self._ranked(name)) if match.verdict != "none"]
        return found[: max(limit, 0)]

    def _ranked(self, name: str) -> list[_Scored]:
        form = normalise_name(name)
        if not form:
            return []
        scores = self._general(form)
        parts = council_parts(form)
        if parts:  # councils are compared by place and tier, not as strings
            scores = {other: score for other, score in scores.items() if not council_parts(other)}
            scores.update(self._council(*parts))
        if form in self._by_form:
            scores[form] = 100.0
        best: dict[str, _Scored] = {}
        for other, score in scores.items():
            for key, original in self._by_form[other]:
                scored = _Scored(key, original, score, other == form)
                current = best.get(key)
                if current is None or (scored.exact, score) > (current.exact, current.score):
                    best[key] = scored
        return sorted(best.values(), key=lambda s: (not s.exact, -s.score, s.key))

    def _general(self, form: str) -> dict[str, float]:
        """max(token_sort_ratio, SUBSET_WEIGHT * token_set_ratio) for every candidate
        form scoring at least the cutoff. Each ratio is one rapidfuzz call over all the
        forms (its C loop), rather than a Python scorer called once per candidate."""
        whole = process.extract(
            form, self._forms, scorer=fuzz.token_sort_ratio, score_cutoff=self._cutoff, limit=None
        )
        subset = process.extract(
            form,
            self._forms,
            scorer=fuzz.token_set_ratio,
            score_cutoff=min(100.0, self._cutoff / SUBSET_WEIGHT),
            limit=None,
        )
        scores = {other: float(score) for other, score, _ in whole}
        for other, score, _ in subset:
            scores[other] = max(scores.get(other, 0.0), score * SUBSET_WEIGHT)
        return {other: score for other, score in scores.items() if score >= self._cutoff}

    def _council(self, place: str, tier: str) -> dict[str, float]:
        scores: dict[str, float] = {}
        hits = process.extract(
            place, self._places, scorer=fuzz.ratio, score_cutoff=self._cutoff, limit=None
        )
        for other_place, score, _ in hits:
            for other_tier, form in self._councils[other_place]:
                weight = 1.0 if tiers_compatible(tier, other_tier) else OTHER_TIER_WEIGHT
                if score * weight >= self._cutoff:
                    scores[form] = float(score) * weight
        return scores

    def _verdicts(self, ranked: list[_Scored]) -> list[Match]:
        exact_keys = [scored.key for scored in ranked if scored.exact]
        matches = []
        for scored in ranked:
            if scored.exact and len(exact_keys) == 1:
                verdict = "exact"
            elif scored.exact:
                verdict = "uncertain"  # two keys share this name or alias
            else:
                verdict = self._verdict(scored, ranked)
            matches.append(Match(scored.key, scored.name, scored.score, verdict))
        return matches

    def _verdict(self, scored: _Scored, ranked: list[_Scored]) -> str:
        if scored.score < self.review:
            return "none"
        rivals = [
            other
            for other in ranked
            if other.key != scored.key and abs(other.score - scored.score) <= AMBIGUITY_MARGIN
        ]
        if scored.score >= self.accept and not rivals:
            return "probable"
        return "uncertain"
