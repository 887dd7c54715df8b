"""Sasaeai settings, read from the environment.

Every variable is optional for development: with none set, Sasaeai runs against the project-local
PostGIS cluster in var/pg (started by `scripts/dev.sh db-start`) with a secret key generated into
var/. A deployment sets at least SASAEAI_SECRET_KEY, DATABASE_URL and SASAEAI_ALLOWED_HOSTS.
"""

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from sasaeai.env import database_from_url, env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _local_secret_key() -> str:
    """A development key kept in var/, created once and readable by its owner only."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", "")
    if url:
        return database_from_url(url)
    # The local cluster's socket directory; scripts/localdb.sh may have placed the cluster in
    # /tmp behind the var/pg link, so follow it.
    socket_dir = (VAR_DIR / "pg").resolve() / "run"
    return {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        # Benchmarks point this elsewhere so that they never touch the demo's data.
        "NAME": env_str("SASAEAI_LOCAL_DB_NAME", "sasaeai"),
        "USER": "postgres",
        "HOST": str(socket_dir),
    }


def _map_center() -> tuple[float, float]:
    raw = env_list("SASAEAI_MAP_CENTER", ["35.3650", "139.3200"])
    try:
        lat, lon = (float(value) for value in raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"SASAEAI_MAP_CENTER={','.join(raw)!r}: expected 'latitude,longitude'"
        ) from None
    return lat, lon


DEBUG = env_bool("SASAEAI_DEBUG", False)
SECRET_KEY = env_str("SASAEAI_SECRET_KEY", "") or _local_secret_key()
ALLOWED_HOSTS = env_list("SASAEAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "leaflet",
    "axes",
    # The task queue's tables (jobs, events, workers' heartbeats) and its worker command.
    "procrastinate.contrib.django",
    "registry",
    "routes",
    "planner",
    "drills",
    "printouts",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files without Django's debug mode, before anything that reads a session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sasaeai.middleware.CspNonceForWidgets",
    "sasaeai.middleware.AuditorToAuditLog",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "sasaeai.urls"
WSGI_APPLICATION = "sasaeai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sasaeai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "sasaeai.context_processors.role",
                "sasaeai.context_processors.emergencies",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese first: the people who use Sasaeai are Japanese officers, associations and families.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("SASAEAI_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Where `collectstatic` gathers the apps' files (the admin's, django-leaflet's, the pages'),
# which WhiteNoise then serves; see sasaeai/static_files.py for the names they are served under.
STATIC_ROOT = Path(env_str("SASAEAI_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "sasaeai.static_files.HashedWhenCollected"},
}
# Until something was collected (development, tests, a fresh checkout), WhiteNoise finds files
# in the apps at each request as runserver does, and no missing STATIC_ROOT is warned about.
_STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").is_file()
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG or not _STATIC_COLLECTED

# Sessions end after half an hour without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SASAEAI_SESSION_SECONDS", 30 * 60, minimum=300)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Logins: five failures lock the account for an hour (django-axes).
AXES_FAILURE_LIMIT = env_int("SASAEAI_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("SASAEAI_LOCKOUT_HOURS", 1, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Outside development, cookies travel over HTTPS only and browsers remember to use it.
# SASAEAI_SECURE_COOKIES=false is for the production configuration tried over plain http on
# the loopback (scripts/serve.sh), never for a site reached over a network.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SASAEAI_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SASAEAI_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# The preload directive only makes the site eligible for browsers' built-in HTTPS lists; a
# city whose domain cannot promise HTTPS for ever turns it off.
SECURE_HSTS_PRELOAD = env_bool("SASAEAI_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SASAEAI_SSL_REDIRECT", False)
# A load balancer asks the application for its health over plain http, behind the TLS proxy:
# a redirect would read as a failure. The health answer carries no personal data.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SASAEAI_BEHIND_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Maps: the Geospatial Information Authority's standard tiles, which label places in Japanese.
MAP_TILES = env_str("SASAEAI_MAP_TILES", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": _map_center(),
    "DEFAULT_ZOOM": env_int("SASAEAI_MAP_ZOOM", 14, minimum=1),
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [
        (
            _("GSI standard map"),
            MAP_TILES,
            {
                "attribution": '<a href="https://maps.gsi.go.jp/development/ichiran.html">'
                "地理院タイル</a>",
                "maxZoom": 18,
            },
        )
    ],
    "RESET_VIEW": False,
}

# On: at city scale a plan run solves the supporter flow in a second process while it
# chooses shelters (and walks the streets), a few seconds sooner on two cores or more, for that
# process's memory (about 650 MB for 100,000 people). Off: one process, under 1 GB.
PLAN_SOLVE_ASIDE = env_bool("SASAEAI_PLAN_SOLVE_ASIDE", False)

# The planning policy (planning.md): every number is the city's to change.
PLANNING: dict[str, Any] = {
    "SUPPORTER_REACH_M": env_int("SASAEAI_SUPPORTER_REACH_M", 500, minimum=1),
    "SHELTER_REACH_M": env_int("SASAEAI_SHELTER_REACH_M", 5_000, minimum=1),
    # Plan shelters by the walking route when a street network is loaded (off: as the crow
    # flies, as without a network). With a network, a home or shelter farther than
    # ROUTE_SNAP_M from every street is planned on the geodesic distance.
    "WALK_STREETS": env_bool("SASAEAI_WALK_STREETS", True),
    "ROUTE_SNAP_M": env_int("SASAEAI_ROUTE_SNAP_M", 200, minimum=1),
    "SUPPORTERS_NEEDED": {
        "walks_alone": env_int("SASAEAI_SUPPORTERS_WALKS_ALONE", 1, minimum=0),
        "needs_guidance": env_int("SASAEAI_SUPPORTERS_NEEDS_GUIDANCE", 1, minimum=0),
        "needs_hand": env_int("SASAEAI_SUPPORTERS_NEEDS_HAND", 1, minimum=0),
        "wheelchair": env_int("SASAEAI_SUPPORTERS_WHEELCHAIR", 2, minimum=0),
        "bedridden": env_int("SASAEAI_SUPPORTERS_BEDRIDDEN", 2, minimum=0),
    },
    "WEIGHT_BASE": env_int("SASAEAI_WEIGHT_BASE", 1, minimum=1),
    "WEIGHT_HOME_IN_HAZARD_AREA": env_int("SASAEAI_WEIGHT_HOME_IN_HAZARD_AREA", 2, minimum=0),
    "WEIGHT_MEDICAL_DEVICE": env_int("SASAEAI_WEIGHT_MEDICAL_DEVICE", 1, minimum=0),
    "FIRST_PLACE_VALUE": env_int("SASAEAI_FIRST_PLACE_VALUE", 2, minimum=1),
    "OTHER_PLACE_VALUE": env_int("SASAEAI_OTHER_PLACE_VALUE", 1, minimum=1),
    "WELFARE_CARE_LEVEL": env_int("SASAEAI_WELFARE_CARE_LEVEL", 4, minimum=1),
    "ELDERLY_SUPPORTER_AGE": env_int("SASAEAI_ELDERLY_SUPPORTER_AGE", 75, minimum=1),
    "RECRUITMENT_HINTS": env_int("SASAEAI_RECRUITMENT_HINTS", 10, minimum=0),
}

# Printouts: the TrueType font embedded in PDFs (IPAex Gothic when empty; see printouts/fonts.py)
# and who the plans name as their author.
PRINTOUT_FONT = env_str("SASAEAI_PRINTOUT_FONT", "")
PRINTOUT_ISSUER = env_str("SASAEAI_PRINTOUT_ISSUER", "支えあい市 防災課")
# An issued plan is reviewed at least yearly (Cabinet Office guideline, 2021).
# The city whose addresses the files give without naming it (市区町村名 as the address
# reference publishes it, e.g. 秦野市): an address reference holding several cities places them
# there rather than calling them ambiguous.
ADDRESS_CITY = env_str("SASAEAI_ADDRESS_CITY", "")

PLAN_REVIEW_MONTHS = env_int("SASAEAI_PLAN_REVIEW_MONTHS", 12, minimum=1)
# The city's disaster office and its number, for the family card's "who to call".
CITY_OFFICE = env_str("SASAEAI_CITY_OFFICE", "市役所 防災課")
CITY_PHONE = env_str("SASAEAI_CITY_PHONE", "")
# Where the site is reached from outside: supporters' drill links are built on it.
BASE_URL = env_str("SASAEAI_BASE_URL", "http://127.0.0.1:8000")
# Drills: people not reached this many minutes after the start head the live board.
DRILL_NOT_REACHED_MINUTES = env_int("SASAEAI_DRILL_NOT_REACHED_MINUTES", 30, minimum=1)


# E-mail (supporters' drill links), as Django's MAILERS. Without a server, messages are
# written to files under var/mail, as development wants; a deployment names its SMTP server, reached
# with STARTTLS unless told otherwise.
def _mailer() -> dict[str, Any]:
    host = env_str("SASAEAI_EMAIL_HOST", "")
    if not host:
        # One file per sending in var/mail (untracked, beside the development secret key): the
        # messages carry supporters' drill links, which must not reach a terminal or a log.
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": host,
            "port": env_int("SASAEAI_EMAIL_PORT", 587, minimum=1),
            "username": env_str("SASAEAI_EMAIL_USER", ""),
            "password": env_str("SASAEAI_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("SASAEAI_EMAIL_TLS", True),
            # A server that does not answer fails the sending instead of holding the command.
            "timeout": env_int("SASAEAI_EMAIL_TIMEOUT", 30, minimum=1),
        },
    }


MAILERS = {"default": _mailer()}
DEFAULT_FROM_EMAIL = env_str("SASAEAI_EMAIL_FROM", "sasaeai@localhost")

# Logs carry record IDs, never names, addresses or health data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A supporter's drill link opens their people to whoever holds it: no log line carries it.
    "filters": {"hide_drill_links": {"()": "pages.drill_log.HideDrillLinks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["hide_drill_links"]},
    },
    "root": {"handlers": ["console"], "level": env_str("SASAEAI_LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO, with the user name masked: keep only warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
        # procrastinate says at INFO what it registers on every start; keep its warnings.
        "procrastinate": {"level": "WARNING"},
        # Django's own request lines and warnings go through the filtered handler too.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Debian 12's GDAL 3.6 cannot block file and network access while parsing spatial references.
# The warning repeats on every command and so hides real ones; whatever reads spatial files
# from outside must treat their projection definitions as untrusted input.
SILENCED_SYSTEM_CHECKS = env_list("SASAEAI_SILENCED_CHECKS", ["gis.W001"])

# Content-Security-Policy (Django's own): scripts only from this site or with the page's nonce;
# images also from the map tile server.
_TILE_HOST = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILES))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", _TILE_HOST],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The task queue (registry/queue): Django's task framework on procrastinate, in this database.
TASKS = {"default": {"BACKEND": "registry.queue.backend.QueueBackend"}}
PROCRASTINATE_IMPORT_PATHS = ["registry.queue.runner"]
# A worker's heartbeat, and how long a silent worker's job waits before another worker runs it.
QUEUE_HEARTBEAT_SECONDS = env_int("SASAEAI_QUEUE_HEARTBEAT_SECONDS", 5, minimum=1)
QUEUE_STALLED_SECONDS = env_int("SASAEAI_QUEUE_STALLED_SECONDS", 30, minimum=2)
QUEUE_RECOVER_EVERY_SECONDS = env_int("SASAEAI_QUEUE_RECOVER_EVERY_SECONDS", 10, minimum=1)
# Tries of a task whose worker died, before it fails with the reason.
QUEUE_ATTEMPTS = env_int("SASAEAI_QUEUE_ATTEMPTS", 3, minimum=1)
# Days the queue keeps the rows of ended jobs, and days printed bundles wait for download (they
# hold personal data: a print job older than this is deleted when the next one starts).
QUEUE_KEEP_DAYS = env_int("SASAEAI_QUEUE_KEEP_DAYS", 14, minimum=1)
PRINT_KEEP_DAYS = env_int("SASAEAI_PRINT_KEEP_DAYS", 7, minimum=1)
