from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "camwatch.coding"
    label = "coding"
    verbose_name = "Response coding"
    default_auto_field = "django.db.models.BigAutoField"
