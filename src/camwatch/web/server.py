"""Running the WSGI app under gunicorn from inside the `camwatch serve` process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from gunicorn.app.base import BaseApplication
from gunicorn.config import KNOWN_SETTINGS

from camwatch.web.wsgi import application

# Older gunicorn releases have no control socket to switch off.
_SETTINGS = {setting.name for setting in KNOWN_SETTINGS}
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


def run(host: str, port: int, workers: int, reload: bool = False) -> None:
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "reload": reload,
            "accesslog": "-",
            # gunicorn's usual line, plus the time the request took in milliseconds
            "access_log_format": ACCESS_LOG_FORMAT,
            "timeout": 60,
            "graceful_timeout": 10,
            "limit_request_line": settings.CAMWATCH_MAX_REQUEST_LINE,
            # camwatch does not use gunicorn's control socket; without this, every
            # instance would share one socket file in the user's home directory.
            **({"control_socket_disable": True} if "control_socket_disable" in _SETTINGS else {}),
        }
    ).run()
