from __future__ import annotations

import pytest

from tests.endpoints import SmsEndpoint, SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def sms():
    server = SmsEndpoint()
    yield server
    server.stop()
