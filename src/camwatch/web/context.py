"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import camwatch


def site(request: HttpRequest) -> dict[str, Any]:
    return {"camwatch_version": camwatch.__version__}
