"""Framecast settings, read from the environment (django-environ).

Two modes. Development (default): DEBUG on only if asked, SQLite under var/, in-memory channel
layer and broker, local media, console email, a secret key generated into an untracked file.
Production (`DJANGO_ENV=production`): every secret required from the environment, HTTPS-only
cookies, HSTS, email verification mandatory. `DATABASE_URL`, `REDIS_URL`, `BROKER_URL` and
`AWS_STORAGE_BUCKET_NAME` switch each real service on independently.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"
# Development state (SQLite file, media, generated secret) lives here; it is ignored by git.
VAR_DIR = Path(env.str("FRAMECAST_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SITE_NAME = env.str("FRAMECAST_SITE_NAME", default="Framecast")


def _development_secret_key() -> str:
    """A per-checkout key kept in an untracked file, so sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # required: raises ImproperlyConfigured if unset
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _development_secret_key()

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "sora_site",
    "accounts",
    "cameos",
    "videos",
    "feed",
    "moderation",
    # Public API (issue 10): DRF, the OAuth2 server, the OpenAPI schema and its static docs.
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sora_site.api",
]

MIDDLEWARE = [
    "sora_site.core.timing.ServerTimingMiddleware",
    "sora_site.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sora_site.core.security.ContentSecurityPolicyMiddleware",
    # Before CSRF, which reads the body: an over-limit upload is refused unread (core/uploads.py).
    "sora_site.core.uploads.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "sora_site.urls"
ASGI_APPLICATION = "sora_site.asgi.application"
WSGI_APPLICATION = "sora_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sora_site.core.context.site",
                "accounts.context.notifications",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL is set -------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker write progress while the site reads.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # 0 (a connection per request) because daphne runs each request's sync code on a thread of
    # its own: persistent connections outlive those threads and exhaust max_connections. The
    # HTTP processes (gunicorn sync workers, one request at a time) set 60 (README, production).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer and (unless BROKER_URL says otherwise) the task broker ---------
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_URL = env.str("BROKER_URL", default="") or REDIS_URL
CHANNEL_LAYER_SOCKET_TIMEOUT = 30  # seconds; must exceed channels_redis's 5 s blocking pop

if REDIS_URL:
    from sora_site.core.redis_urls import cache_redis_url

    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Database 1 beside a REDIS_URL on database 0; any other database means a shared
            # server, and REDIS_CACHE_URL must then name the cache's own (README).
            "LOCATION": cache_redis_url(
                redis_url=REDIS_URL, cache_url=env.str("REDIS_CACHE_URL", default="")
            ),
            "KEY_PREFIX": "framecast",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, exactly channels_redis's
            # 5 s blocking pop on an idle channel: the read then sometimes timed out and killed
            # the websocket. A longer socket timeout leaves the blocking pop room to return.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT}],
                "prefix": "framecast",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Without a broker URL the worker runs inside the web process (see sora_site/broker.py).
INPROCESS_WORKER = env.bool("FRAMECAST_INPROCESS_WORKER", default=not BROKER_URL)
DRAMATIQ_WORKER_THREADS = env.int("FRAMECAST_WORKER_THREADS", default=1)
# Load the moderation models (~5 s) when a web or worker process starts, not in its first
# requests or job: a burst of work to a fresh process otherwise all waits for it (warm_up.py).
WARM_UP = env.bool("FRAMECAST_WARM_UP", default=True)

# --- Auth: custom user, allauth with email login, TOTP two-factor --------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
# The handle is allauth's "username": allauth checks it (model validators, reserved names,
# case-insensitive uniqueness) and stores it lowercase; people still log in by email only.
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "handle"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_BLACKLIST = [
    "admin",
    "administrator",
    "root",
    "staff",
    "support",
    "help",
    "moderator",
    "moderators",
    "framecast",
    "system",
    "official",
    "security",
    "settings",
    "notifications",
    "api",
]
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="mandatory" if PRODUCTION else "optional"
)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Launch controls (accounts/invites.py): open, invite (a valid code is needed) or closed.
SIGNUP_MODE = env.str("FRAMECAST_SIGNUP", default="open").strip().lower()
if SIGNUP_MODE not in ("open", "invite", "closed"):
    raise ImproperlyConfigured("FRAMECAST_SIGNUP must be open, invite or closed.")
INVITES_PER_MEMBER = env.int("FRAMECAST_INVITES_PER_MEMBER", default=5)
INVITE_DAYS = env.int("FRAMECAST_INVITE_DAYS", default=14)  # 0: codes never expire
# Failed logins are counted in the cache, so with Redis the limit holds across processes.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
# Whose address a per-client limit counts (sora_site/core/client_ip.py, allauth, API throttles).
# Behind a balancer REMOTE_ADDR is the balancer: name the header it sets, or how many proxies of
# ours append to X-Forwarded-For. Unset, forwarded addresses are ignored (they can be forged).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("FRAMECAST_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("FRAMECAST_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Absolute links in emails sent outside a request (notifications).
SITE_URL = env.str("FRAMECAST_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("FRAMECAST_MEDIA_ROOT", default=str(VAR_DIR / "media")))

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": None,
            "querystring_auth": True,  # private media: presigned, short-lived URLs
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or env.bool("FRAMECAST_MANIFEST_STATIC", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# In development whitenoise also serves straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest body any view takes unless it declares its own upload limit (core/uploads.py).
UPLOAD_MAX_BYTES = env.int("FRAMECAST_UPLOAD_MAX_BYTES", default=64 * 1024 * 1024)
# Pixels the images of one request may decode together (character images: up to 4 of them).
UPLOAD_MAX_PIXELS_PER_REQUEST = env.int(
    "FRAMECAST_UPLOAD_MAX_PIXELS_PER_REQUEST", default=64_000_000
)

# --- Email: console by default, SMTP (or any backend) by URL -----------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")

# --- Admin ----------------------------------------------------------------------------------------
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# No inline scripts anywhere: every script is a static file of the site itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Logging: JSON lines in production, readable lines in development, request ids in both -------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sora_site.core.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if PRODUCTION or env.bool("LOG_JSON", default=False) else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "dramatiq": {"level": "WARNING"},
    },
}

# --- Generation ---------------------------------------------------------------------------------
# "default" runs anywhere; "diffusers" runs a local diffusers checkpoint (Wan, LTX-Video,
# CogVideoX) on a GPU worker, on the generation-gpu queue. See README "GPU checkpoints".
GEN_ENGINE_BACKEND = env.str("GEN_ENGINE_BACKEND", default="default")
if GEN_ENGINE_BACKEND not in ("default", "diffusers"):
    raise ImproperlyConfigured(
        f"GEN_ENGINE_BACKEND={GEN_ENGINE_BACKEND!r}: expected 'default' or 'diffusers'."
    )
GEN_ENGINE_MODEL_DIR = env.str("GEN_ENGINE_MODEL_DIR", default="")
GEN_ENGINE_QUALITY = env.str("GEN_ENGINE_QUALITY", default="final")  # or "draft": step cache
GEN_ENGINE_MODE = env.str("GEN_ENGINE_MODE", default="auto")  # auto, video, text, image
GEN_ENGINE_STRENGTH = env.float("GEN_ENGINE_STRENGTH", default=0.7)  # video-to-video, 0..1
GEN_ENGINE_STEPS = env.int("GEN_ENGINE_STEPS", default=0)  # 0: the family's default
GEN_ENGINE_COMPILE = env.bool("GEN_ENGINE_COMPILE", default=True)  # regional torch.compile
GEN_ENGINE_MEMORY = env.str("GEN_ENGINE_MEMORY", default="auto")  # resident, fp8, *_offload
GEN_ENGINE_DEVICE = env.str("GEN_ENGINE_DEVICE", default="auto")  # "cpu" only for tiny models
# A Whisper checkpoint folder (transformers format): the output check transcribes the sound of
# results whose audio a model made and checks what is said as dialogue. Empty: not transcribed,
# and the audit log says so for each such draft. See README "Transcribing model audio".
GEN_ENGINE_ASR_DIR = env.str("GEN_ENGINE_ASR_DIR", default="")
# Whose sound a joint audio-video checkpoint (LTX-2) puts in the file: its own ("model"), the
# default engine's ("engine"), or its own with the engine's foley and ambience ("mix").
GEN_ENGINE_AUDIO = env.str("GEN_ENGINE_AUDIO", default="model")
# An LTX-2 IC-LoRA (file or folder): physics-guided clips condition through it (needs peft).
GEN_ENGINE_IC_LORA = env.str("GEN_ENGINE_IC_LORA", default="")
for _name, _value, _allowed in (
    ("GEN_ENGINE_AUDIO", GEN_ENGINE_AUDIO, ("model", "engine", "mix")),
    ("GEN_ENGINE_QUALITY", GEN_ENGINE_QUALITY, ("final", "draft")),
    ("GEN_ENGINE_MODE", GEN_ENGINE_MODE, ("auto", "video", "text", "image")),
    (
        "GEN_ENGINE_MEMORY",
        GEN_ENGINE_MEMORY,
        ("auto", "resident", "fp8", "model_offload", "group_offload"),
    ),
):
    if _value not in _allowed:
        raise ImproperlyConfigured(f"{_name}={_value!r}: expected one of {', '.join(_allowed)}.")
if not 0.0 < GEN_ENGINE_STRENGTH <= 1.0:
    raise ImproperlyConfigured("GEN_ENGINE_STRENGTH must be in (0, 1].")

# --- Provenance: C2PA signing keys and the invisible watermark key ------------------------------
# In production all four are required (sora_site/provenance.py refuses to sign without them); in
# development the engine generates a P-256 root and leaf outside git and uses a development key.
C2PA_CERT_CHAIN_FILE = env.str("C2PA_CERT_CHAIN_FILE", default="")  # leaf then root, PEM
C2PA_PRIVATE_KEY_FILE = env.str("C2PA_PRIVATE_KEY_FILE", default="")
C2PA_TRUST_ANCHOR_FILE = env.str("C2PA_TRUST_ANCHOR_FILE", default="")  # the root, PEM
WATERMARK_KEY = env.str("FRAMECAST_WATERMARK_KEY", default="")
VERIFY_MAX_UPLOAD_BYTES = env.int("FRAMECAST_VERIFY_MAX_BYTES", default=200 * 1024 * 1024)
# Verify answers inside the request when the detector's share of the file (up to 480 frames) is
# at most this many pixels - 480 frames of 720p (the detector read a 240-frame 720p clip in
# ~0.9 s on its own, docs/PERFORMANCE.md) - and hands larger files to a worker (queue
# "verify"), the page then waiting on /verify/<id>. The frames are counted from the packets in
# the file (never its declared duration), and files over VERIFY_INLINE_MAX_BYTES always queue.
VERIFY_INLINE_PIXELS = env.int("FRAMECAST_VERIFY_INLINE_PIXELS", default=480 * 1280 * 720)
VERIFY_INLINE_MAX_BYTES = env.int("FRAMECAST_VERIFY_INLINE_MAX_BYTES", default=64 * 1024 * 1024)
# Checks per client address (page and API together) in each fixed window; 0 turns it off.
VERIFY_RATE_LIMIT = env.int("FRAMECAST_VERIFY_PER_CLIENT", default=20)
VERIFY_RATE_WINDOW_SECONDS = env.int("FRAMECAST_VERIFY_WINDOW_SECONDS", default=600)
VERIFY_SPOOL_DIR = Path(env.str("FRAMECAST_VERIFY_SPOOL_DIR", default=str(VAR_DIR / "verify")))
VERIFY_RESULT_SECONDS = env.int("FRAMECAST_VERIFY_RESULT_SECONDS", default=3600)
# Limits and timing of the generation jobs (videos app).
GENERATION_DAILY_QUOTA = env.int("GENERATION_DAILY_QUOTA", default=30)
GENERATION_DAILY_QUOTA_TEEN = env.int("GENERATION_DAILY_QUOTA_TEEN", default=15)
GENERATION_MAX_ACTIVE = env.int("GENERATION_MAX_ACTIVE", default=2)
GENERATION_HEARTBEAT_SECONDS = env.float("GENERATION_HEARTBEAT_SECONDS", default=5.0)
# The lease: a job whose worker stopped beating for this long is put back by the next sweep, so
# a dead worker's job resumes within expiry + sweep interval (45 + 15 = 60 s); a supervised
# worker's restart puts it back at once (sora_site/supervise.py).
GENERATION_HEARTBEAT_EXPIRY_SECONDS = env.float("GENERATION_HEARTBEAT_EXPIRY_SECONDS", default=45.0)
GENERATION_QUEUED_STALE_SECONDS = env.float("GENERATION_QUEUED_STALE_SECONDS", default=300.0)
GENERATION_SWEEP_INTERVAL_SECONDS = env.float("GENERATION_SWEEP_INTERVAL_SECONDS", default=15.0)
# Each worker process's recovery loop: jobs the broker refused at submit are sent at most this
# long after it answers again (videos/tasks.py, EnqueueRecovery).
GENERATION_ENQUEUE_RETRY_SECONDS = env.float("GENERATION_ENQUEUE_RETRY_SECONDS", default=10.0)
GENERATION_TIME_LIMIT_SECONDS = env.int("GENERATION_TIME_LIMIT_SECONDS", default=60 * 60)
# Shown as the wait estimate until finished jobs give a measured figure.
GENERATION_SECONDS_PER_VIDEO_SECOND = env.float("GENERATION_SECONDS_PER_VIDEO_SECOND", default=2.0)

# --- Feed ------------------------------
# A teen's daily cap counts distinct videos watched today, not videos served or scrolled past.
FEED_TEEN_DAILY_CAP = env.int("FEED_TEEN_DAILY_CAP", default=60)
# A video counts as watched (teen daily cap, break prompt) once it has really played this long,
# or its whole length if it is shorter: 2 s is past a flick-through (a swipe lands, the video
# starts, the next swipe comes within about a second) yet short enough that any real look counts.
FEED_WATCHED_SECONDS = env.float("FEED_WATCHED_SECONDS", default=2.0)
FEED_PAGE_SIZE = env.int("FEED_PAGE_SIZE", default=8)
# How long the feed's shared pool of suggestion candidates is reused (see feed/selectors.py).
FEED_POOL_SECONDS = env.int("FEED_POOL_SECONDS", default=30)
FEED_CREATE_CARD_EVERY = env.int("FEED_CREATE_CARD_EVERY", default=6)
# The break prompt comes after this many distinct videos watched (as above) in a row.
FEED_BREAK_AFTER_VIDEOS = env.int("FEED_BREAK_AFTER_VIDEOS", default=25)
FEED_COMMENTS_PER_MINUTE = env.int("FEED_COMMENTS_PER_MINUTE", default=5)

# --- Moderation -----------------------------------------------------------------------------------
# Cosine-similarity thresholds of the prompt classifier per policy category (see
# moderation/classifier.py DEFAULT_THRESHOLDS); entries here override the defaults.
MODERATION_THRESHOLDS: dict[str, dict[str, float]] = {}
MODERATION_TEEN_FACTOR = env.float("MODERATION_TEEN_FACTOR", default=0.9)  # teen: stricter
MODERATION_NUDITY_THRESHOLD = env.float("MODERATION_NUDITY_THRESHOLD", default=0.45)
MODERATION_OUTPUT_FPS = env.float("MODERATION_OUTPUT_FPS", default=1.0)
MODERATION_REPORT_HIDE_THRESHOLD = env.int("MODERATION_REPORT_HIDE_THRESHOLD", default=3)
MODERATION_REPORTS_PER_HOUR = env.int("MODERATION_REPORTS_PER_HOUR", default=10)

# --- Public API (sora_site.api): DRF, OAuth2 server, OpenAPI, webhooks ------------------------
from sora_site.api.scopes import SCOPES as _API_SCOPES  # noqa: E402 (plain table, no Django)

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": dict(_API_SCOPES),
    "DEFAULT_SCOPES": ["profile:read"],
    "PKCE_REQUIRED": True,
    "ALLOWED_GRANT_TYPES": ["authorization-code", "refresh-token"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_TOKEN_SECONDS", default=60 * 86400),
    "ROTATE_REFRESH_TOKEN": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grants, S256 PKCE only,
    # tokens only in headers, `iss` in the authorization response, tokens stored hashed,
    # a replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sora_site.api.authentication.PersonalAccessTokenAuthentication",
        "sora_site.api.authentication.OAuth2BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["sora_site.api.permissions.HasRequiredScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "sora_site.api.throttling.TokenRateThrottle",
        "sora_site.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_TOKEN", default="600/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "sora_site.api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["sora_site.api.parsers.DepthLimitedJSONParser"],
    "EXCEPTION_HANDLER": "sora_site.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "sora_site.api.schema.ScopedAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Make, publish and watch videos on behalf of people. See docs/API.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Webhooks: targets must be public addresses unless this is switched on (development only).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_BACKOFF_SECONDS = env.float("WEBHOOK_BACKOFF_SECONDS", default=10.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
API_IDEMPOTENCY_HOURS = 24
