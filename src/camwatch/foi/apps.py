from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "camwatch.foi"
    label = "foi"
    verbose_name = "FOI campaigns"
    default_auto_field = "django.db.models.BigAutoField"
