"""Reading camwatch's configuration from the environment.

Every setting comes from an environment variable (see docs/configuration.md); this
module holds the small parsers so that settings.py stays a flat list.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import platformdirs

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """An environment variable holds a value camwatch cannot use."""


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from error
    if value < minimum:
        raise ConfigurationError(f"{name}={value} is below the minimum of {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name}={value} is above the maximum of {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def cache_config(url: str, entries: int) -> dict[str, Any]:
    """Django's default cache: Redis at `url` (redis:// or rediss://), shared by every
    worker, else each process's own memory, holding at most `entries` entries."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url:
        raise ConfigurationError(
            f"CAMWATCH_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {url!r}"
        )
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": entries},
    }


def data_dir() -> Path:
    """The per-user directory for the SQLite database, the secret key and static files."""
    configured = os.environ.get("CAMWATCH_DATA_DIR", "").strip()
    path = Path(configured) if configured else Path(platformdirs.user_data_dir("camwatch"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept for local use.

    The kept key lives in the data directory, readable only by its owner, so that
    sessions survive a restart without anybody having to invent a key.
    """
    configured = os.environ.get("SECRET_KEY", "").strip()
    if configured:
        return configured
    key_file = directory / "secret_key"
    if not key_file.exists():
        _write_new_key(key_file)
    return key_file.read_text().strip()


def _write_new_key(key_file: Path) -> None:
    # Written aside, then linked into place: two workers starting together both
    # end up reading the one key that won, never a half-written file.
    draft = key_file.with_name(f".secret_key.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(draft, key_file)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


@dataclass(frozen=True)
class MailServer:
    """An SMTP or IMAP server named by a URL: smtp://, smtp+starttls://, smtps://,
    imap://, imap+starttls:// or imaps://, with user and password percent-encoded and,
    for IMAP, the folder as the path (INBOX by default)."""

    protocol: str  # smtp or imap
    security: str  # plain, starttls or ssl
    host: str
    port: int
    user: str
    password: str
    folder: str

    @property
    def label(self) -> str:
        """The address without the password, for messages and logs."""
        who = f"{self.user}@" if self.user else ""
        return f"{self.protocol}://{who}{self.host}:{self.port}/{self.folder}".rstrip("/")


_SCHEMES = {
    "smtp": ("smtp", "plain", 25),
    "smtp+starttls": ("smtp", "starttls", 587),
    "smtps": ("smtp", "ssl", 465),
    "imap": ("imap", "plain", 143),
    "imap+starttls": ("imap", "starttls", 143),
    "imaps": ("imap", "ssl", 993),
}


def mail_server(name: str, protocol: str) -> MailServer | None:
    """The server in environment variable `name`, or None if it is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    scheme = _SCHEMES.get(parts.scheme)
    if scheme is None or scheme[0] != protocol:
        wanted = ", ".join(f"{s}://" for s, v in _SCHEMES.items() if v[0] == protocol)
        raise ConfigurationError(f"{name} must start with one of {wanted}")
    if not parts.hostname:
        raise ConfigurationError(f"{name} names no host")
    try:
        port = parts.port or scheme[2]
    except ValueError as error:
        raise ConfigurationError(f"{name} has a port that is not a number") from error
    folder = unquote(parts.path.lstrip("/")) or ("INBOX" if protocol == "imap" else "")
    return MailServer(
        protocol=protocol,
        security=scheme[1],
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=folder,
    )
