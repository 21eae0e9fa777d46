from django.apps import AppConfig


class SightingsConfig(AppConfig):
    name = "camwatch.sightings"
    label = "sightings"
    verbose_name = "Sightings"
    default_auto_field = "django.db.models.BigAutoField"
