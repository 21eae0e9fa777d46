from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "camwatch.registry"
    label = "registry"
    verbose_name = "Evidence registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from camwatch.registry import snapshots

        snapshots.connect_signals()  # every change to the registry moves its revision on
