"""Starting Django from a command, only when the command needs it (so that `--help`,
`--version` and the pure commands stay instant)."""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camwatch.web.settings")
    import django

    django.setup()
