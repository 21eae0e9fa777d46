"""Sections that other apps add to a body's page (the money trail, say), so that the
registry shows them without importing those apps.

An app registers a panel when Django starts (AppConfig.ready): a template and a function
that gives the template its context for one body, or None when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from camwatch.registry.models import PublicBody


@dataclass(frozen=True)
class BodyPanel:
    name: str
    template: str
    context: Callable[[PublicBody], dict[str, Any] | None]


@dataclass(frozen=True)
class Shown:
    template: str
    data: dict[str, Any]


_PANELS: dict[str, BodyPanel] = {}


def register_body_panel(panel: BodyPanel) -> None:
    _PANELS[panel.name] = panel


def body_panels(body: PublicBody) -> list[Shown]:
    """The registered panels that have something to show for this body, in order."""
    shown = []
    for panel in _PANELS.values():
        data = panel.context(body)
        if data is not None:
            shown.append(Shown(panel.template, data))
    return shown
