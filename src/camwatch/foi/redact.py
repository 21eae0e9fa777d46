"""Redacting FOI officers' personal data from correspondence before it is shown to the
public. Pure: no Django.

Officers are people doing their jobs, and their names, direct email addresses and phone
numbers are personal data (FOIA s.40 itself protects them). What the public pages show is
the authority's answer, not who typed it. Removed:

- email addresses, except an authority's role mailboxes (foi@, enquiries@, ...);
- UK telephone numbers (0... and +44 ...);
- the sender's own name wherever it appears;
- the name lines of a sign-off ("Kind regards, / Jane Smith"), unless they name a team
  or office rather than a person.

A campaign's own team sees the correspondence as received.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"\b([A-Za-z0-9._%+'-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
PHONE = re.compile(
    r"(?<![\w/.-])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?![\w/-])"
)
ROLE_MAILBOXES = frozenset(
    {
        "foi", "foia", "foirequests", "foi-requests", "foi.requests", "freedomofinformation",
        "information", "info", "enquiries", "enquiry", "contact", "dataprotection", "dpo",
        "informationgovernance", "information.governance", "infogov", "records", "complaints",
        "feedback", "admin", "office", "postmaster", "mailer-daemon", "noreply", "no-reply",
    }
)  # fmt: skip
SIGN_OFF = re.compile(
    r"^\s*(?:kind(?:est)?\s+regards|best\s+regards|warm\s+regards|regards|yours\s+sincerely|"
    r"yours\s+faithfully|many\s+thanks|thanks|best\s+wishes),?\s*$",
    re.IGNORECASE,
)
NOT_A_PERSON = re.compile(
    r"\b(?:team|unit|office|officer|department|service|services|council|police|force|"
    r"trust|university|college|school|governance|information|foi|freedom|compliance|"
    r"legal|records|manager|administrator|coordinator|co-ordinator|adviser|advisor)\b",
    re.IGNORECASE,
)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
NAME_LINES_AFTER_SIGN_OFF = 2

EMAIL_MARK = "[email address removed]"
PHONE_MARK = "[phone number removed]"
NAME_MARK = "[name removed]"


def _email(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1).lower() in ROLE_MAILBOXES else EMAIL_MARK


def _names(text: str, names: Iterable[str]) -> str:
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if NOT_A_PERSON.search(name) or len(name) < 3:
            continue
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MARK, text, flags=re.IGNORECASE)
    return text


def _sign_off(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not SIGN_OFF.match(line):
            continue
        for j in range(i + 1, min(i + 1 + NAME_LINES_AFTER_SIGN_OFF, len(lines))):
            if _looks_like_a_name(lines[j]):
                lines[j] = NAME_MARK
    return "\n".join(lines)


def _looks_like_a_name(line: str) -> bool:
    """One to four capitalised words of letters (Sian O'Brien, Dr A. Jones), naming no
    team or office."""
    words = [w for w in line.replace(".", " ").split() if w.lower() not in TITLES]
    if not 1 <= len(words) <= 4 or NOT_A_PERSON.search(line):
        return False
    return all(w[0].isupper() and all(c.isalpha() or c in "'\u2019-" for c in w) for w in words)


def redact(text: str, names: Iterable[str] = ()) -> str:
    """`text` without officers' personal data; `names` are names known to be a person's
    (the sender's display name, say)."""
    text = EMAIL.sub(_email, text)
    text = PHONE.sub(PHONE_MARK, text)
    text = _sign_off(text)  # before the names, which would hide a signature's shape
    return _names(text, names)
