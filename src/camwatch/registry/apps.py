from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "camwatch.registry"
    label = "registry"
    verbose_name = "Evidence registry"
    default_auto_field = "django.db.models.BigAutoField"
