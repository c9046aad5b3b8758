"""Where a form may send the browser next: only a path on this site."""

from __future__ import annotations


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default` (sign-in's next, an outcome's next, a repair's back)."""
    # "//evil.example" and "/\evil.example" leave the site. So does "/<tab>/evil.example": browsers drop tabs
    # and newlines from a URL, leaving "//evil.example" by the time it is followed; a newline would also be
    # refused in the Location header (a 500). No whitespace or control character, then.
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable() and not any(ch.isspace() for ch in target)):
        return target
    return default
