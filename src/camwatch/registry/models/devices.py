"""DeviceModel: a manufacturer's model code, what kind of device it is and what it can do."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from camwatch.registry.models.base import TimeStamped
from camwatch.registry.models.vendors import Vendor
from camwatch.registry.models.vocab import Capability, DeviceType


class DeviceModel(TimeStamped):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="device_models")
    code = models.CharField(max_length=100, help_text="As the manufacturer writes it")
    series = models.CharField(max_length=100, blank=True, help_text='e.g. "DarkFighter"')
    device_type = models.ForeignKey(DeviceType, on_delete=models.PROTECT, related_name="models")
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="device_models")
    description = models.TextField(blank=True)
    source = models.ForeignKey("Source", null=True, blank=True, on_delete=models.PROTECT)
    history = HistoricalRecords(m2m_fields=[capabilities])

    class Meta:
        ordering = ["vendor__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "code"], name="unique_model_code"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.code}"
