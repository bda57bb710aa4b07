"""Parsing chat-completion bodies: usable replies, reasoning channels and malformed shapes."""
from __future__ import annotations

import json

import pytest

from models.reply import parse_chat_completion
from models.retry import MalformedReply


def body(message: dict | None = None, finish: str | None = "stop", **top) -> str:
    data = {"model": "m-2024", "system_fingerprint": "fp1",
            "choices": [{"index": 0, "message": message if message is not None else {"content": "hi"},
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2}}
    data.update(top)
    return json.dumps(data)


def test_plain_reply():
    reply = parse_chat_completion(body())
    assert (reply.text, reply.finish_reason, reply.prompt_tokens, reply.completion_tokens) == ("hi", "stop", 5, 2)
    assert (reply.served_model, reply.system_fingerprint, reply.reasoning) == ("m-2024", "fp1", None)


def test_reasoning_channel_and_content_parts():
    reply = parse_chat_completion(body({"content": "42", "reasoning_content": "think think"}))
    assert (reply.text, reply.reasoning) == ("42", "think think")
    assert parse_chat_completion(body({"content": None, "reasoning": "r"}, finish="length")).reasoning == "r"
    parts = {"content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    assert parse_chat_completion(body(parts)).text == "ab"


def test_cap_hit_without_content_is_empty_text_not_malformed():
    reply = parse_chat_completion(body({"content": None, "reasoning_content": "long..."}, finish="length"))
    assert (reply.text, reply.finish_reason) == ("", "length")


def test_refusal_is_the_text():
    assert parse_chat_completion(body({"content": None, "refusal": "I can't help"})).text == "I can't help"


def test_missing_usage_gives_none():
    data = json.loads(body())
    del data["usage"]
    reply = parse_chat_completion(json.dumps(data))
    assert reply.prompt_tokens is None and reply.completion_tokens is None


@pytest.mark.parametrize("raw,fragment", [
    ('{"choices": [', "invalid JSON"),
    ("[1, 2]", "not an object"),
    ('{"error": {"message": "overloaded"}}', "error object"),
    ('{"choices": []}', "no choices"),
    ('{"id": "x"}', "no choices"),
    ('{"choices": [{"finish_reason": "stop"}]}', "no message"),
    (body({"role": "assistant"}), "no content"),
    (body({"content": 7}), "no content"),
])
def test_malformed_replies(raw, fragment):
    with pytest.raises(MalformedReply, match=fragment):
        parse_chat_completion(raw)
