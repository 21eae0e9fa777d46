"""The one settings module. Every value comes from the environment: see docs/configuration.md."""

from __future__ import annotations

import datetime as dt
import os

import dj_database_url

from camwatch.web.environment import (
    cache_config,
    data_dir,
    env_bool,
    env_int,
    env_list,
    mail_server,
    secret_key,
)

DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("CAMWATCH_DEBUG")
ALLOWED_HOSTS = env_list("CAMWATCH_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CAMWATCH_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "ninja",
    "camwatch.web",
    "camwatch.registry",
    "camwatch.findings",
    "camwatch.foi",
    "camwatch.coding",
    "camwatch.sightings",
    "camwatch.money",
    # Throttles logins: failed attempts are recorded, and a user name is locked out from
    # an address after CAMWATCH_LOGIN_FAILURE_LIMIT failures (docs/security.md).
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "camwatch.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "camwatch.web.ratelimit.DataRateLimitMiddleware",
    "camwatch.web.pagecache.PageCacheMiddleware",
    "camwatch.web.middleware.SealedOncePerRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "camwatch.web.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "foi-campaigns"
LOGOUT_REDIRECT_URL = "home"
WSGI_APPLICATION = "camwatch.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "camwatch.web.context.site",
            ],
        },
    },
]

DATABASE_URL = (
    os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{DATA_DIR / 'camwatch.sqlite3'}"
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CAMWATCH_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on during an import; IMMEDIATE transactions make a
    # second writer wait for the lock instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "CAMWATCH_POSTGRES_JIT"
):
    # PostgreSQL's JIT compiles any query its planner costs above jit_above_cost. camwatch's
    # findings run many such queries that finish in tens of milliseconds, and compiling
    # them cost more than it saved: `findings audit` at 1M holdings ran 10-20% faster
    # without it (make bench). Options given in DATABASE_URL are kept.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Serve straight from the app folders too, so a fresh `camwatch serve` needs no collectstatic.
WHITENOISE_USE_FINDERS = True

# Security headers. HTTPS-only settings switch on with CAMWATCH_HTTPS behind a TLS proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
HTTPS = env_bool("CAMWATCH_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Asks browsers' preload lists to hold the domain: on by default with HTTPS, so that
# `check --deploy` is clean. A site that cannot commit its whole domain to HTTPS for good
# turns it off, and the check's warning about it is then silenced on purpose.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("CAMWATCH_HSTS_PRELOAD", True)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or not HTTPS else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# camwatch's own settings.
CAMWATCH_CONCERN_POLICY = os.environ.get("CAMWATCH_CONCERN_POLICY", "").strip() or "uk-nil-2022"
CAMWATCH_PAGE_SIZE = env_int("CAMWATCH_PAGE_SIZE", 50, minimum=1)
CAMWATCH_MAX_PAGE_SIZE = env_int("CAMWATCH_MAX_PAGE_SIZE", 1000, minimum=1)
CAMWATCH_MAX_DATA_FILE_BYTES = env_int("CAMWATCH_MAX_DATA_FILE_BYTES", 20_000_000, minimum=1)
# The largest procurement (OCDS) or spending file `camwatch money import-*` will read.
CAMWATCH_MAX_IMPORT_BYTES = env_int("CAMWATCH_MAX_IMPORT_BYTES", 2_000_000_000, minimum=1)
# A YAML file of the site's own spending-file column profiles, one per council, added to
# the bundled ones (docs/money.md); empty for the bundled profiles only.
CAMWATCH_SPEND_PROFILES = os.environ.get("CAMWATCH_SPEND_PROFILES", "").strip()
# The largest file an editor may upload through the admin (a source's copy, a campaign file).
CAMWATCH_MAX_UPLOAD_BYTES = env_int("CAMWATCH_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1)
# Requests for data (/api/ and every .json, .csv, .xlsx, .geojson) per client address a
# minute, counted per worker unless CACHES is shared; 0 turns the limit off.
CAMWATCH_DATA_REQUESTS_PER_MINUTE = env_int("CAMWATCH_DATA_REQUESTS_PER_MINUTE", 600, minimum=0)
# Public pages and their data, kept for anonymous readers until the registry or the money
# trail changes, or for at most this many seconds (0: not kept). docs/configuration.md.
CAMWATCH_PAGE_CACHE_SECONDS = env_int("CAMWATCH_PAGE_CACHE_SECONDS", 600, minimum=0)
# A response larger than this is not kept (a big export would push out many pages).
CAMWATCH_PAGE_CACHE_MAX_BYTES = env_int("CAMWATCH_PAGE_CACHE_MAX_BYTES", 1_000_000, minimum=1)
# Where pages and the request counts are kept: empty for each worker's own memory (at most
# CAMWATCH_CACHE_ENTRIES entries), or redis://HOST:PORT/DB for one cache every worker shares.
CAMWATCH_CACHE_URL = os.environ.get("CAMWATCH_CACHE_URL", "").strip()
CACHES = {
    "default": cache_config(CAMWATCH_CACHE_URL, env_int("CAMWATCH_CACHE_ENTRIES", 3000, minimum=10))
}
# Failed logins for one user name from one address before it is locked out, and for how long.
AXES_FAILURE_LIMIT = env_int("CAMWATCH_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("CAMWATCH_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
CAMWATCH_MAX_SEARCH_TERMS = env_int("CAMWATCH_MAX_SEARCH_TERMS", 8, minimum=1)
# Each facet's counting query may take this long before it is left out (0: no limit).
CAMWATCH_FACET_TIME_LIMIT_MS = env_int("CAMWATCH_FACET_TIME_LIMIT_MS", 300, minimum=0)
# gunicorn answers 414 to a request line longer than this (its own ceiling is 8190 bytes);
# the API's schema documents that answer on every operation.
CAMWATCH_MAX_REQUEST_LINE = env_int("CAMWATCH_MAX_REQUEST_LINE", 4094, minimum=256, maximum=8190)
NINJA_PAGINATION_PER_PAGE = CAMWATCH_PAGE_SIZE
NINJA_PAGINATION_MAX_LIMIT = CAMWATCH_MAX_PAGE_SIZE

# FOI campaigns: mail out through SMTP, replies in by IMAP (docs/configuration.md).
CAMWATCH_SMTP = mail_server("CAMWATCH_SMTP_URL", "smtp")
CAMWATCH_IMAP = mail_server("CAMWATCH_IMAP_URL", "imap")
# Requests go out from, and replies come back to, plus-addresses of this mailbox:
# foi+cw-3-17-<token>@example.org for foi@example.org.
CAMWATCH_FOI_MAILBOX = os.environ.get("CAMWATCH_FOI_MAILBOX", "").strip() or "foi@localhost"
CAMWATCH_MAX_MAIL_BYTES = env_int("CAMWATCH_MAX_MAIL_BYTES", 30_000_000, minimum=1000)
# Sightings a contributor (an account, or an address when not signed in) may send an hour.
CAMWATCH_CONTRIBUTIONS_PER_HOUR = env_int("CAMWATCH_CONTRIBUTIONS_PER_HOUR", 20, minimum=1)
# The map (docs/sightings.md). The basemap: empty for the bundled UK boundaries only; a
# MapLibre style URL (.json); a raster tile URL with {z}/{x}/{y}; or the path of a local
# .pmtiles file, which the app serves itself. Nothing is fetched unless configured here.
CAMWATCH_MAP_BASEMAP = os.environ.get("CAMWATCH_MAP_BASEMAP", "").strip()
CAMWATCH_MAP_ATTRIBUTION = os.environ.get("CAMWATCH_MAP_ATTRIBUTION", "").strip()
# From this zoom, a cell of at most CAMWATCH_MAP_EXPAND_UP_TO cameras shows each one.
CAMWATCH_MAP_EXPAND_ZOOM = env_int("CAMWATCH_MAP_EXPAND_ZOOM", 17, minimum=0, maximum=24)
CAMWATCH_MAP_EXPAND_UP_TO = env_int("CAMWATCH_MAP_EXPAND_UP_TO", 50, minimum=1, maximum=1000)
# The most 64 px cells one cluster request may cover (a big screen at one zoom is ~1,000).
CAMWATCH_MAP_MAX_CELLS = env_int("CAMWATCH_MAP_MAX_CELLS", 40_000, minimum=100)
# The map keeps each filter's sightings as an index of its own while all of them together
# hold at most this many points (about 60 bytes a point; the public view is always kept).
# Each worker looks for new or changed sightings at most this often (0: on every request).
CAMWATCH_MAP_REFRESH_SECONDS = env_int("CAMWATCH_MAP_REFRESH_SECONDS", 30, minimum=0)
CAMWATCH_MAP_CACHED_POINTS = env_int("CAMWATCH_MAP_CACHED_POINTS", 4_000_000, minimum=1)
