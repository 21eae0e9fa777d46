"""The read-only REST API (/api/v1/), with its OpenAPI schema, on django-ninja."""
