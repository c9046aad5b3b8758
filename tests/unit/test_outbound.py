"""The outbound guard: which URLs the server may call (services/outbound.py), with the system's own resolver
where the answer is known offline (localhost) and a stated resolver where a public answer is needed."""

from __future__ import annotations

import pytest

from jewelpwa.services.outbound import (
    PUSH_SERVICE_HOSTS,
    Destinations,
    Refused,
    check_url,
    push_destinations,
    sms_destinations,
)

PUSH = Destinations(PUSH_SERVICE_HOSTS)


def public(_host: str, _port: int) -> list[str]:
    return ["142.250.74.42", "2a00:1450:4001:82b::200a"]


@pytest.mark.parametrize("url", [
    "https://fcm.googleapis.com/fcm/send/abc:APA91b",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
    "https://web.push.apple.com/QGuQyavXutnMH",
    "https://wns2-by3p.notify.windows.com/w/?token=BQYAAAB",
    "https://FCM.googleapis.com./fcm/send/x",
])
def test_the_browsers_push_services_pass(url):
    assert check_url(url, PUSH, public)


@pytest.mark.parametrize(("url", "why"), [
    ("https://127.0.0.1:5299/push", "port"),
    ("https://127.0.0.1/push", "IP number"),
    ("https://[::1]/push", "IP number"),
    ("https://169.254.169.254/latest/meta-data", "IP number"),
    ("https://2130706433/push", "not a known push service"),  # 127.0.0.1 written as one number
    ("http://fcm.googleapis.com/fcm/send/x", "https"),
    ("ftp://fcm.googleapis.com/x", "https"),
    ("https://fcm.googleapis.com:8443/fcm/send/x", "port"),
    ("https://user:pw@fcm.googleapis.com/x", "user name"),
    ("https://evil.example/push", "not a known push service"),
    ("https://fcm.googleapis.com.evil.example/x", "not a known push service"),
    ("https://push.apple.com.evil.example/x", "not a known push service"),
    ("https://notify.windows.com/x", "not a known push service"),  # the bare domain is not one of its hosts
    ("https:///nohost", "no host"),
    ("https://[::1/x", "not a URL"),
])
def test_anything_else_is_refused_with_a_reason(url, why):
    with pytest.raises(Refused, match=why):
        check_url(url, PUSH, public)


@pytest.mark.parametrize("inside", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254",
                                    "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1%eth0", "::ffff:10.0.0.1",
                                    "224.0.0.1", "240.0.0.1"])
def test_a_listed_name_that_resolves_inside_is_refused(inside):
    with pytest.raises(Refused, match="non-public"):
        check_url("https://fcm.googleapis.com/x", PUSH, lambda _h, _p: ["142.250.74.42", inside])


def test_a_name_resolved_by_the_system_to_loopback_is_refused():
    """The real resolver: an allow-list that names localhost still cannot reach this machine."""
    with pytest.raises(Refused, match="non-public"):
        check_url("https://localhost/push", Destinations(("localhost",)))


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(Refused, match="does not resolve"):
        check_url("https://nothing.invalid/push", Destinations(("*.invalid",)))


def test_the_allow_list_is_configurable_and_the_test_switch_is_explicit():
    configured = push_destinations({"PUSH_SERVICE_HOSTS": "push.example.net, *.corp-push.example"})
    assert configured.hosts == ("push.example.net", "*.corp-push.example")
    assert not configured.local_ok
    assert push_destinations({}).hosts == PUSH_SERVICE_HOSTS
    with pytest.raises(Refused):
        check_url("http://127.0.0.1:8080/push", push_destinations({"PUSH_SERVICE_HOSTS": "127.0.0.1"}))
    local = push_destinations({"PUSH_SERVICE_HOSTS": "127.0.0.1", "OUTBOUND_TEST_LOCAL": True})
    assert check_url("http://127.0.0.1:8080/push", local) == "127.0.0.1"


def test_a_refused_sms_host_is_named_as_an_sms_provider_not_a_push_service():
    sms = sms_destinations({})
    with pytest.raises(Refused) as refused:
        check_url("https://evil.example/2010-04-01/Accounts/AC1/Messages.json", sms, public)
    assert str(refused.value) == "evil.example is not a known SMS provider"
    with pytest.raises(Refused, match="IP number, not the host name of any SMS provider"):
        check_url("https://203.0.113.9/x", sms, public)
    assert check_url("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", sms, public) == "api.twilio.com"
