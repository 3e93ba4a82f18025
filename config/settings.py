"""Vigil settings: one file, configured through environment variables.

Without DATABASE_URL the project-local PostgreSQL server of `config/devdb.py` is used, so
`.venv/bin/python manage.py ...` works from the repository root with nothing else set.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config import devdb
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Production is any deployment on an existing server (DATABASE_URL); the local
# project server is development and tests.
PRODUCTION = bool(env_str("DATABASE_URL", ""))
DEBUG = env_bool("DEBUG", default=False)
# Development runs without a secret set; production must provide one (env_str raises).
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else "insecure-local-development-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.apps.VigilAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "django_htmx",
    "template_partials",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "core",
    "sources",
    "people",
    "cases",
    "hearings",
    "deadlines",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below static files: every rendered response gets the Content-Security-Policy and
    # Cache-Control: no-store; person and case reads, exports and 403s are logged (audit/).
    "csp.middleware.CSPMiddleware",
    "config.headers.NoStoreMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle and absolute session limits, then the second factor (accounts/middleware.py).
    "accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # django-axes answers a locked-out sign-in; it must stay the last middleware.
    "axes.middleware.AxesMiddleware",
]

# History triggers on the link tables Django creates for many-to-many fields (who follows a
# case, whom a statement is about) have no migration of their own: install every trigger
# after each migrate, so those links are recorded too.
PGTRIGGER_INSTALL_ON_MIGRATE = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL", "")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 60)))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": devdb.DB_NAME,
        "USER": devdb.DB_USER,
        "HOST": str(devdb.socket_dir()),
        "PORT": "",
    }


DATABASES = {"default": _database()}
# No JIT: the permission filters (OR-ed EXISTS) get large cost estimates that make PostgreSQL
# spend 0.3-0.6 s compiling each query that runs in tens of milliseconds (README, Performance).
# Word similarity 0.5 (pg_trgm's default is 0.6): the name search asks the index for names
# holding a word close to each word typed, and 0.6 misses one-letter slips in short words
# ("Danial" for "Daniel") that `people.name_search.classify` accepts.
DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off -c pg_trgm.word_similarity_threshold=0.5"}
# Several checkouts or helpers may test against one server at once: each can name its own.
DATABASES["default"]["TEST"] = {"NAME": env_str("VIGIL_TEST_DB", "test_vigil")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes checks every password sign-in first (it needs the request: our login view and
# the re-authentication form pass it), then Django's own backend, which also refuses
# inactive users, so disabling an account ends its sessions at their next request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleLoadingBackend",
]
# Five failures for one username from one address within 15 minutes lock that pair for 15
# minutes; the same user from another address can still sign in. Admins unlock in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_VERBOSE = False
# Second factor (accounts/mfa.py): TOTP apps plus one-time backup codes.
OTP_TOTP_ISSUER = "Vigil"
# The admin never shows an authenticator's secret or QR code: an admin who could read another
# account's secret could pass its second factor (tests/test_access_matrix.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions: signed out after 30 idle minutes and 12 hours after sign-in at the latest;
# password and authenticator changes need the password again within 5 minutes.
SESSION_IDLE_SECONDS = 30 * 60
# The stored session (and its cookie) lapses a little after the idle limit as well, so the
# middleware can say why a session ended; an abandoned one is gone from the database then.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + 5 * 60
SESSION_MAX_SECONDS = 12 * 60 * 60
REAUTH_SECONDS = 5 * 60
# Password reset mails: printed to the console in development.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "vigil@localhost")
PASSWORD_RESET_TIMEOUT = 60 * 60
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded originals (reports as received): never under STATIC_ROOT, never served directly.
PRIVATE_UPLOAD_ROOT = Path(env_str("PRIVATE_UPLOAD_ROOT", str(BASE_DIR / "var" / "uploads")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the app and static folders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`: production only.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Confidential data: cookies stay on this site and out of scripts.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is HTTPS only: a year of HSTS for this host and its subdomains, and a redirect
# (behind a TLS proxy set BEHIND_TLS_PROXY=1, or the redirect loops).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload directive only takes effect once the domain's owner submits it to browsers'
# lists (hstspreload.org); SECURE_HSTS_PRELOAD=0 leaves it out.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): scripts and styles only from Vigil's own static files,
# no inline code, no eval, nothing may frame the pages. htmx is told not to inject its
# indicator <style> nor evaluate code (the htmx-config meta tag in templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for generated images such as an authenticator's QR code.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # One line per trigger on every migrate says nothing worth reading.
    "loggers": {"pgtrigger": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
