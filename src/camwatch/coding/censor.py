"""Published copies of replies: officers' personal data removed (foi/redact.py) and then
the editors' censor rules applied, as Alaveteli does. Pure: rules come in as plain data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from camwatch.foi.redact import redact

MAX_PATTERN_CHARS = 500


class RuleError(ValueError):
    """A censor rule that cannot be used, with the reason."""


@dataclass(frozen=True)
class Rule:
    text: str
    regexp: bool = False
    replacement: str = "[redacted]"

    def literal(self, _match: re.Match[str]) -> str:
        return self.replacement

    def compiled(self) -> re.Pattern[str]:
        if not self.text.strip():
            raise RuleError("a censor rule needs some text to hide")
        if len(self.text) > MAX_PATTERN_CHARS:
            raise RuleError(f"a censor rule is at most {MAX_PATTERN_CHARS} characters")
        source = self.text if self.regexp else re.escape(self.text)
        try:
            return re.compile(source, re.IGNORECASE)
        except re.error as error:
            raise RuleError(f"not a valid regular expression: {error}") from error


def censor(text: str, rules: Iterable[Rule] = (), names: Iterable[str] = ()) -> str:
    """`text` as it may be published."""
    text = redact(text, names)
    for rule in rules:
        # The replacement is literal text: "\1" in it is shown, never a group reference.
        text = rule.compiled().sub(rule.literal, text)
    return text
