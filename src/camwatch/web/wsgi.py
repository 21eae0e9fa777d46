"""WSGI entry point, used by `camwatch serve` (gunicorn) and any other WSGI server."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camwatch.web.settings")
application = get_wsgi_application()
# Django's start-up leaves about 100,000 long-lived objects; without this every full
# collection walks them all, a pause of 50-100 ms that lands on some request.
gc.freeze()
