"""Settings come from the environment; production settings pass Django's deployment checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x9" * 40 + "-not-a-real-secret-but-long-and-random-enough",
    "DJANGO_ALLOWED_HOSTS": "framecast.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://framecast.example",
}
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
    "'db_name': s.DATABASES['default']['NAME'], "
    "'cache': s.CACHES['default']['BACKEND'], "
    "'cache_location': s.CACHES['default'].get('LOCATION', ''), "
    "'channels': s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'storage': s.STORAGES['default']['BACKEND'], 'debug': s.DEBUG, "
    "'verification': s.ACCOUNT_EMAIL_VERIFICATION, 'email': s.EMAIL_BACKEND, "
    "'broker': type(__import__('dramatiq').get_broker()).__name__}))"
)


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "BROKER_", "AWS_", "EMAIL_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "sora_site.settings"
    env.update(extra)
    return env


def _run(args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_clean_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(**extra: str) -> dict[str, object]:
    result = _run(["-c", PRINT_SETTINGS], **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_production_requires_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _run(["-c", PRINT_SETTINGS], **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_development_defaults_need_no_services(tmp_path: Path) -> None:
    values = _settings(FRAMECAST_VAR_DIR=str(tmp_path))
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["cache"].endswith("LocMemCache")
    assert values["channels"] == "channels.layers.InMemoryChannelLayer"
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["broker"] == "StubBroker"
    assert values["debug"] is False
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    # The development secret key is generated once into an untracked file, with private mode.
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and len(key_file.read_text()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0


def test_service_urls_select_postgres_redis_and_s3() -> None:
    values = _settings(
        DATABASE_URL="postgres://postgres@db.internal:5432/framecast",
        REDIS_URL="redis://cache.internal:6379/0",
        AWS_STORAGE_BUCKET_NAME="framecast-media",
        EMAIL_URL="smtp://mailer.internal:25",
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert values["db_name"] == "framecast"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/1"  # not the broker's db
    assert values["channels"] == "channels_redis.core.RedisChannelLayer"
    assert values["storage"] == "storages.backends.s3.S3Storage"
    assert values["broker"] == "RedisBroker"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_amqp_broker_url_selects_rabbitmq() -> None:
    values = _settings(BROKER_URL="amqp://guest:guest@mq.internal:5672/")
    assert values["broker"] == "RabbitmqBroker"


def test_production_makes_email_verification_mandatory() -> None:
    values = _settings(**PRODUCTION_ENV)
    assert values["verification"] == "mandatory"


@pytest.mark.parametrize("url", ["mysql2://nope", "ftp://x"])
def test_unknown_broker_scheme_is_refused_clearly(url: str) -> None:
    result = _run(["-c", PRINT_SETTINGS], BROKER_URL=url)
    assert result.returncode != 0
    assert "BROKER_URL must start with amqp:// or redis://" in result.stderr
