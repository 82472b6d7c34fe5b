"""Bad requests get the documented 4xx answer, never a 5xx, and never create anything."""

from __future__ import annotations

from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    TASKS,
    expect_error,
    expect_nothing_created,
    expect_status,
    newest_id,
    task,
)
from toloka_conformance.redaction import Secret

BAD_BODY = (
    "[openapi.yaml BadRequest] Malformed JSON, a body that is not a non-empty array, and query parameters of the "
    "wrong type answer 400 too."
)
MEDIA_TYPE = "[openapi.yaml UnsupportedMediaType] 415: The body is not `application/json`."
AUTH = "[openapi.yaml TolokaToken] A missing or unknown token answers 401 (AUTHENTICATION_ERROR)."

_BAD_BODIES: tuple[tuple[str, bytes], ...] = (
    ("an empty body", b""),
    ("malformed JSON", b"[{"),
    ("an empty array", b"[]"),
    ("an object instead of an array", b"{}"),
    ("a string", b'"tasks"'),
)


@check("requests.bad_body", "Empty, malformed or non-array bodies answer 400 VALIDATION_ERROR", BAD_BODY)
def bad_bodies(ctx: Context) -> None:
    """Each malformed body is answered 400 VALIDATION_ERROR (not 5xx, not 2xx)."""
    for description, content in _BAD_BODIES:
        exchange = ctx.api.send("POST", TASKS, content=content, headers={"Content-Type": "application/json"})
        try:
            expect_error(exchange, 400, "VALIDATION_ERROR", BAD_BODY)
        except Failed as failure:
            raise Failed(f"{description}: {failure.message}", exchange) from None


@check("requests.bad_query", "A non-boolean async_mode answers 400 and creates nothing", BAD_BODY)
def bad_query(ctx: Context) -> None:
    """async_mode=maybe is a query parameter of the wrong type: 400, pool unchanged."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx)], async_mode="maybe")
    expect_error(exchange, 400, "VALIDATION_ERROR", BAD_BODY)
    expect_nothing_created(ctx, TASKS, before, BAD_BODY, exchange)


@check("requests.media_type", "A body that is not application/json answers 415", MEDIA_TYPE)
def wrong_media_type(ctx: Context) -> None:
    """A valid JSON array sent as text/plain: 415 UNSUPPORTED_MEDIA_TYPE."""
    exchange = ctx.api.send("POST", TASKS, content=b"[]", headers={"Content-Type": "text/plain"})
    expect_status(exchange, 415, MEDIA_TYPE)


@check("auth.required", "No token or an unknown token: 401, nothing created", AUTH)
def auth_required(ctx: Context) -> None:
    """An upload without Authorization, and one with a made-up token, are refused with 401."""
    before = newest_id(ctx, TASKS)
    made_up = ctx.target.authorization(Secret("conformance-made-up-token")).reveal()
    for headers in ({}, {"Authorization": made_up}):
        exchange = ctx.anonymous.send("POST", TASKS, json_body=[task(ctx)], headers=headers)
        expect_error(exchange, 401, "AUTHENTICATION_ERROR", AUTH)
        expect_nothing_created(ctx, TASKS, before, AUTH, exchange)
