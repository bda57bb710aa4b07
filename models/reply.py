"""Parse a raw OpenAI-style chat-completion body, rejecting malformed replies so they can be retried.

Malformed: not JSON, not an object, an ``error`` object instead of choices, no/empty ``choices``,
no ``message``, or a message without content. A reply cut by the token cap (``finish_reason ==
"length"``) with no content is legitimate (typical of reasoning models) and yields ``text == ""``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import orjson

from models.retry import MalformedReply


@dataclass(frozen=True)
class ParsedReply:
    text: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    reasoning: str | None
    served_model: str | None
    system_fingerprint: str | None


def _content_text(content: object) -> str | None:
    """Plain string content, or the concatenated text parts of a list-of-parts content."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return "".join(texts) if texts else None
    return None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_chat_completion(body: str | bytes) -> ParsedReply:
    """The first choice of a chat-completion body; raises ``MalformedReply`` when unusable."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:  # the stdlib accepts what orjson refuses: "\ud800" escapes (lone surrogates), huge integers
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise MalformedReply(f"invalid JSON in reply ({len(body)} bytes: {exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise MalformedReply(f"reply is a JSON {type(data).__name__}, not an object")
    if "error" in data and not data.get("choices"):
        err = data["error"]
        msg = err.get("message") if isinstance(err, dict) else err
        raise MalformedReply(f"error object in a 2xx reply: {msg}")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        raise MalformedReply("reply has no choices")
    choice = choices[0]
    if not isinstance(choice, dict):
        raise MalformedReply("first choice is not an object")
    finish = choice.get("finish_reason")
    finish = finish if isinstance(finish, str) else None
    message = choice.get("message")
    if not isinstance(message, dict):
        raise MalformedReply("first choice has no message")
    reasoning = message.get("reasoning_content")
    if not isinstance(reasoning, str):
        reasoning = message.get("reasoning") if isinstance(message.get("reasoning"), str) else None
    text = _content_text(message.get("content"))
    if text is None:
        refusal = message.get("refusal")
        if isinstance(refusal, str) and refusal:
            text = refusal
        elif finish == "length":
            text = ""
        else:
            raise MalformedReply(f"message has no content (finish_reason={finish})")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return ParsedReply(
        text=text,
        finish_reason=finish,
        prompt_tokens=_int_or_none(usage.get("prompt_tokens")),
        completion_tokens=_int_or_none(usage.get("completion_tokens")),
        reasoning=reasoning,
        served_model=data.get("model") if isinstance(data.get("model"), str) else None,
        system_fingerprint=data.get("system_fingerprint") if isinstance(data.get("system_fingerprint"), str) else None,
    )
