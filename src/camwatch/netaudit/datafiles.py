"""Reading the audit's YAML data files: libyaml's safe loader when it is there (ten times
faster than the pure-Python one, which matters because every audit and every worker
process starts by reading the rules), the pure-Python safe loader otherwise."""

from __future__ import annotations

from typing import Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_yaml(text: str) -> Any:
    """YAML as plain data (a safe loader: no arbitrary objects)."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)
