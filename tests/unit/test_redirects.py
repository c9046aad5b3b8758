"""Sign-in's next, an outcome's next and a repair's back never send the browser off the site."""

import pytest

from jewelpwa.web.redirects import local_path

HOME = "/today"


@pytest.mark.parametrize("target", ["/clients/7", "/repairs/?show=overdue", "/today#row-3", "/clients?q=%0a"])
def test_a_path_on_this_site_is_kept(target):
    assert local_path(target, HOME) == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
    "/\t/evil.example",  # browsers drop the tab: "//evil.example"
    "/\n/evil.example", " /today", "/today\x00", "evil.example",
])
def test_anything_that_could_leave_the_site_goes_to_the_default(target):
    assert local_path(target, HOME) == HOME
