"""Who may do what, until issue 8's roles: staff, or a user given the named permission."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def staff_or(user: Any, permission: str) -> bool:
    """An active staff account, or an active user holding `permission` (app.codename)."""
    return bool(user.is_active and (user.is_staff or user.has_perm(permission)))


def require(user: Any, permission: str, what: str) -> None:
    """403 unless `staff_or(user, permission)`; `what` says what it is needed for."""
    if not staff_or(user, permission):
        raise PermissionDenied(f"{what} needs the review permission")
