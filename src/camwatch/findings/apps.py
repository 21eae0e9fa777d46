from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "camwatch.findings"
    label = "findings"
    verbose_name = "Findings"
