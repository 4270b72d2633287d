"""Links from feeds, made safe to show: Discord refuses an embed whose url is not an absolute http(s) URL
(the whole message fails with 400), and a ")" or ">" in a masked link ends it early, letting feed text
inject a link of its own."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

MAX_LINK_LENGTH = 2048  # Discord's embed url limit
# Kept as they are in a URL; everything else that could close a masked link, or is whitespace or a control
# character, is percent-encoded.
_SAFE_URL_CHARACTERS = "/:?#[]@!$&'*+,;=%-._~"


def safe_link(url: str | None) -> str | None:
    """The link as an absolute http(s) URL that is safe inside an embed and a masked link, or None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host "http://[::1"
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    safe = quote(url, safe=_SAFE_URL_CHARACTERS)
    # "[" and "]" are only legal in a bracketed IPv6 host; elsewhere they would break a masked link too.
    host_end = len(parts.scheme) + 3 + len(parts.netloc)
    safe = safe[:host_end] + safe[host_end:].replace("[", "%5B").replace("]", "%5D")
    return safe if len(safe) <= MAX_LINK_LENGTH else None
