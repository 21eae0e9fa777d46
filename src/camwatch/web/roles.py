"""The roles: who may do what on the site, as Django groups with permission sets.

reader is anyone, signed in or not: every public page and the API, nothing else. It has no
group, since it needs no account. The four other roles are groups of the same names; a user
may hold several. What each view checks is in web/permissions.py and the views themselves;
the matrix of role by view is tested in tests/test_authorization.py and described in
docs/security.md. Groups are brought in line with ROLES after every `migrate` (web/apps.py)
and by `camwatch roles sync`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

READER = "reader"


@dataclass(frozen=True)
class Role:
    name: str
    summary: str
    permissions: tuple[str, ...]  # "app_label.codename"
    is_staff: bool = False  # the admin opens only to staff accounts
    is_superuser: bool = False


# The permissions the review pages check (coding/views.py, sightings/views.py,
# money/views.py), and `pending=true` on /api/v1/sightings/clusters.
REVIEW = ("coding.review_document", "sightings.review_sighting", "money.review_names")

# The models editors keep up to date in the admin: every model of the registry, the money
# trail and sightings, but not the registry's derived tables (Revision, Snapshot,
# SnapshotBody), which camwatch computes and which an edit would only put out of step.
EDITED_MODELS = {
    "registry": (
        "bodykind", "devicetype", "capability", "publicbody", "membership", "vendor",
        "vendorrelation", "ownership", "restriction", "concernpolicy", "devicemodel",
        "holding", "holdingsource", "holdingcapability", "investigation",
        "investigationtarget", "claim", "surveylocation", "source",
    ),
    "money": (
        "organisation", "organisationvendor", "contract", "payment", "statedpolicy",
        "namereview",
    ),
    "sightings": ("sighting", "sign", "sightingphoto"),
}  # fmt: skip

# Add and change, never delete: a record that is wrong is corrected (its history keeps
# what it said), and removing one is left to an admin.
EDIT = tuple(
    f"{app}.{verb}_{model}"
    for app, models in EDITED_MODELS.items()
    for model in models
    for verb in ("add", "change")
)

ROLES: dict[str, Role] = {
    # Contributes sightings under their account, and may choose to be named with them.
    # Contributing needs no permission (the form is open to everyone, rate-limited), so
    # the group holds none: it marks an account as a contributor's and nothing more.
    "contributor": Role("contributor", "contributes sightings under their account", ()),
    # Works the review queues: coding suggestions (/coding/), contributed sightings
    # (/sightings/review/, their original photos, pending sightings on the map) and
    # uncertain name matches (/money/names/). No admin.
    "reviewer": Role("reviewer", "reviews coding suggestions, sightings and names", REVIEW),
    # A reviewer who also edits the registry, the money trail and sightings in the admin.
    # Staff, as the admin requires, but not on every team: an FOI campaign or an
    # investigation under embargo is hidden from an editor who is not on its team
    # (foi/models.py `Campaign.is_team`, registry/embargo.py), in the admin too.
    "editor": Role(
        "editor", "reviews, and adds or changes records in the admin", REVIEW + EDIT, True
    ),
    # Everything: a superuser, whose permissions Django does not check. The group only
    # records who was made one through the roles.
    "admin": Role("admin", "everything, including deleting and managing accounts", (), True, True),
}


class RoleError(ValueError):
    """An unknown role or user; the message says which."""


def role(name: str) -> Role:
    if name not in ROLES:
        known = ", ".join(ROLES)
        hint = " (anyone without a role is a reader)" if name == READER else ""
        raise RoleError(f"unknown role {name!r}: the roles are {known}{hint}")
    return ROLES[name]


def _permissions(wanted: tuple[str, ...], using: str, apps: Any) -> list[Any]:
    """The Permission rows for `wanted`; a name that matches none is a mistake in ROLES,
    refused rather than granted silently short."""
    permission_model = apps.get_model("auth", "Permission")
    found = {
        f"{app}.{codename}": pk
        for pk, app, codename in permission_model.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise ImproperlyConfigured(f"roles name unknown permissions: {', '.join(missing)}")
    return [found[name] for name in wanted]


def sync_groups(using: str = DEFAULT_DB_ALIAS, apps: Any = global_apps) -> dict[str, bool]:
    """Create each role's group and set its permissions to exactly ROLES' (so one removed
    from ROLES is taken away). Idempotent; says which groups changed."""
    group_model = apps.get_model("auth", "Group")
    changed: dict[str, bool] = {}
    with transaction.atomic(using=using):
        for name, definition in ROLES.items():
            wanted = set(_permissions(definition.permissions, using, apps))
            group, created = group_model.objects.using(using).get_or_create(name=name)
            held = set(group.permissions.values_list("pk", flat=True))
            if held != wanted:
                group.permissions.set(wanted)
            changed[name] = created or held != wanted
    return changed


def _user(username: str) -> Any:
    users = get_user_model()._default_manager
    try:
        return users.get_by_natural_key(username)
    except get_user_model().DoesNotExist as error:
        raise RoleError(f"no user {username!r}") from error


def grant(username: str, name: str) -> Any:
    """Add the user to the role's group, and make them staff or superuser if it needs."""
    definition, user = role(name), _user(username)
    sync_groups()  # the group may predate this code's last migrate
    group_model = global_apps.get_model("auth", "Group")
    with transaction.atomic():
        user.groups.add(group_model.objects.get(name=name))
        user.is_staff = user.is_staff or definition.is_staff
        user.is_superuser = user.is_superuser or definition.is_superuser
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def revoke(username: str, name: str) -> bool:
    """Take the role away; False if the user did not hold it. Staff (or superuser) is
    taken away only if this role gave it and no role left gives it."""
    definition, user = role(name), _user(username)
    group = user.groups.filter(name=name).first()
    if group is None and not (definition.is_superuser and user.is_superuser):
        return False
    with transaction.atomic():
        if group is not None:
            user.groups.remove(group)
        left = [ROLES[n] for n in user.groups.values_list("name", flat=True) if n in ROLES]
        if definition.is_superuser:
            user.is_superuser = False
        if definition.is_staff:
            user.is_staff = user.is_superuser or any(r.is_staff for r in left)
        user.save(update_fields=["is_staff", "is_superuser"])
    return True


def members(name: str) -> list[str]:
    """User names holding the role; for admin, every superuser too, since a superuser made
    with `createsuperuser` holds its powers without the group."""
    users = get_user_model()._default_manager
    found = users.filter(groups__name=name)
    if ROLES[name].is_superuser:
        found = found | users.filter(is_superuser=True)
    return sorted({user.get_username() for user in found.distinct()})


def describe() -> list[dict[str, Any]]:
    """Each role with its summary, flags, permissions and members, and whether its group
    in the database matches ROLES (False until `camwatch roles sync` or `migrate`)."""
    group_model = global_apps.get_model("auth", "Group")
    rows = []
    for name, definition in ROLES.items():
        group = group_model.objects.filter(name=name).first()
        held = set()
        if group is not None:
            held = {
                f"{app}.{codename}"
                for app, codename in group.permissions.values_list(
                    "content_type__app_label", "codename"
                )
            }
        rows.append(
            {
                "role": name,
                "summary": definition.summary,
                "is_staff": definition.is_staff,
                "is_superuser": definition.is_superuser,
                "permissions": list(definition.permissions),
                "members": members(name),
                "in_sync": group is not None and held == set(definition.permissions),
            }
        )
    return rows
