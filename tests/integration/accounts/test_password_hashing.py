"""Passwords are hashed with scrypt outside the tests; only the test configuration picks a cheap method."""

from __future__ import annotations

import pytest

from jewelpwa.config import CONFIGS

from ..conftest import Auth, make_user, new_client


@pytest.mark.one_database
@pytest.mark.parametrize("config_name", ["production", "development"])
def test_new_passwords_are_hashed_with_scrypt_outside_the_tests(app, monkeypatch, config_name):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", CONFIGS[config_name].PASSWORD_HASH_METHOD)
    user = make_user()
    assert user.password_hash.startswith("scrypt:32768:8:1$")  # werkzeug's strong default (N=2^15, r=8, p=1)
    assert Auth(new_client(app)).login(user.email).status_code == 303
    assert Auth(new_client(app)).login(user.email, "not the password").status_code == 401


@pytest.mark.one_database
def test_the_test_configuration_alone_uses_one_pbkdf2_round(app):
    assert app.config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:1"
    assert make_user().password_hash.startswith("pbkdf2:sha256:1$")
