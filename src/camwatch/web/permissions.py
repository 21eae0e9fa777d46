"""Who may do what: a user holding the named permission, which the reviewer and editor
roles hold and an admin (a superuser) has implicitly. Being staff opens the admin and
nothing else: a staff account without the permission is refused like anyone. The roles
are in web/roles.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def allowed(user: Any, permission: str) -> bool:
    """An active user holding `permission` (app.codename), directly, through a role, or
    as a superuser."""
    return bool(user.is_active and user.has_perm(permission))


def require(user: Any, permission: str, what: str) -> None:
    """403 unless `allowed(user, permission)`; `what` says what it is needed for."""
    if not allowed(user, permission):
        raise PermissionDenied(f"{what} needs the permission {permission}")
