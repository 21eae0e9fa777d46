"""The web app's configuration: after every `migrate`, the roles' groups are brought in
line with web/roles.py, so a new database, or a changed role, needs no extra step."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    name = "camwatch.web"
    label = "web"
    verbose_name = "Web site"

    def ready(self) -> None:
        # Django sends post_migrate only for apps with models, which this one has none of:
        # listen to every app's, and act on the last one's (sync_roles).
        post_migrate.connect(sync_roles, dispatch_uid="camwatch.web.roles")


def sync_roles(sender: AppConfig, using: str, apps: Any = global_apps, **kwargs: Any) -> None:
    """Once per migrate (or flush), after the last app's permissions exist. `apps` is the
    migrated state (flush sends none): without the auth tables yet there is nothing to do."""
    from django.contrib.auth.management import create_permissions

    from camwatch.web.roles import sync_groups

    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    # Each app's own handler made its permissions already; asking again is cheap and
    # keeps this independent of the order the receivers run in.
    for config in with_models:
        create_permissions(config, verbosity=0, using=using, apps=apps)
    sync_groups(using, apps)
