"""Discord's checks on a message body, answered as Discord answers them: 400, code 50035 "Invalid Form Body"
with an ``errors`` tree, or 50006 for an empty message. Limits from
https://discord.com/developers/docs/resources/message#embed-object-embed-limits."""

from __future__ import annotations

from typing import Any

from tests.fake_discord.models import JSON

CONTENT_LIMIT = 2000
NONCE_LIMIT = 25
EMBEDS_LIMIT = 10
EMBED_TOTAL_LIMIT = 6000
FIELDS_LIMIT = 25
EMBED_TEXT_LIMITS: dict[tuple[str, ...], int] = {
    ("title",): 256,
    ("description",): 4096,
    ("footer", "text"): 2048,
    ("author", "name"): 256,
}
FIELD_LIMITS = {"name": 256, "value": 1024}


class InvalidFormBody(Exception):
    def __init__(self, errors: JSON, *, code: int = 50035, message: str = "Invalid Form Body") -> None:
        super().__init__(message)
        self.errors = errors
        self.code = code
        self.message = message

    def body(self) -> JSON:
        body: JSON = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def _error(code: str, message: str) -> JSON:
    return {"_errors": [{"code": code, "message": message}]}


def _set(tree: JSON, path: list[str], leaf: JSON) -> None:
    node = tree
    for key in path:
        node = node.setdefault(key, {})
    node.update(leaf)


def _too_long(limit: int) -> JSON:
    return _error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _embed_text_size(embed: JSON) -> int:
    size = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    size += len(_text((embed.get("footer") or {}).get("text")))
    size += len(_text((embed.get("author") or {}).get("name")))
    for embed_field in embed.get("fields") or []:
        size += len(_text(embed_field.get("name"))) + len(_text(embed_field.get("value")))
    return size


def _is_web_url(value: Any) -> bool:
    """Discord accepts only absolute http(s) URLs, without spaces, in an embed's url."""
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    scheme, _, rest = value.partition("://")
    return scheme.lower() in ("http", "https") and bool(rest.split("/", 1)[0])


def validate_message(body: JSON, *, has_files: bool, creating: bool) -> None:
    """Raise InvalidFormBody if Discord would refuse this create (or edit) body."""
    errors: JSON = {}
    content = body.get("content")
    if isinstance(content, str) and len(content) > CONTENT_LIMIT:
        _set(errors, ["content"], _too_long(CONTENT_LIMIT))
    nonce = body.get("nonce")
    if nonce is not None and len(str(nonce)) > NONCE_LIMIT:
        _set(errors, ["nonce"], _too_long(NONCE_LIMIT))
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS_LIMIT:
        _set(errors, ["embeds"], _error("BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_LIMIT} or fewer in length."))
    for index, embed in enumerate(embeds):
        where = ["embeds", str(index)]
        for path, limit in EMBED_TEXT_LIMITS.items():
            node: Any = embed
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, str) and len(node) > limit:
                _set(errors, [*where, *path], _too_long(limit))
        url = embed.get("url")
        if url is not None and not _is_web_url(url):
            _set(errors, [*where, "url"], _error("URL_TYPE_INVALID_URL", "Not a well formed URL."))
        fields = embed.get("fields") or []
        if len(fields) > FIELDS_LIMIT:
            _set(errors, [*where, "fields"], _too_long(FIELDS_LIMIT))
        for field_index, embed_field in enumerate(fields):
            for key, limit in FIELD_LIMITS.items():
                value = embed_field.get(key)
                if not isinstance(value, str) or not value.strip():
                    _set(errors, [*where, "fields", str(field_index), key],
                         _error("BASE_TYPE_REQUIRED", "This field is required"))
                elif len(value) > limit:
                    _set(errors, [*where, "fields", str(field_index), key], _too_long(limit))
    if sum(_embed_text_size(embed) for embed in embeds) > EMBED_TOTAL_LIMIT:
        _set(errors, ["embeds"], _error("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    if errors:
        raise InvalidFormBody(errors)
    if creating and not (content or embeds or has_files or body.get("sticker_ids")
                         or body.get("components") or body.get("poll")):
        raise InvalidFormBody({}, code=50006, message="Cannot send an empty message")
