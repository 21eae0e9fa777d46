from django.apps import AppConfig

MONEY_REVISION = 2  # the money trail's revision row (registry/snapshots.py)


class MoneyConfig(AppConfig):
    name = "camwatch.money"
    label = "money"
    verbose_name = "Money trail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from camwatch.money.loading import EXTENSION
        from camwatch.money.panel import PANEL
        from camwatch.registry.loader.extensions import register
        from camwatch.registry.panels import register_body_panel
        from camwatch.registry.snapshots import track

        register(EXTENSION)  # contracts, payments and policies load with `load-data`
        register_body_panel(PANEL)  # and show on each body's page
        track("money", MONEY_REVISION)  # so that cached pages showing money know of changes
