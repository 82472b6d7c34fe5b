"""HTTP and auth semantics schemathesis does not check by default: media type parameters, methods a path does not
serve, malformed Authorization headers, and what an error body may say about objects the caller cannot see."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import (
    OPERATIONS,
    POOLS,
    SUITES,
    TASKS,
    create_one,
    expect_error,
    expect_nothing_created,
    expect_status,
    newest_id,
    task,
)

MEDIA_PARAMETERS = (
    "[RFC 9110 8.3.1: media type parameters, type and subtype case-insensitive; openapi.yaml requestBody "
    "application/json] `application/json; charset=utf-8` and `Application/JSON` are application/json: accepted (201)."
)
METHOD = (
    "[RFC 9110 15.5.6: a 405 response MUST carry Allow; toloka-api-notes Errors: 405 METHOD_NOT_ALLOWED] A method "
    "a documented path does not serve answers 405 with `Allow` naming the methods it serves, and changes nothing."
)
MALFORMED_AUTH = (
    "[openapi.yaml TolokaToken: `OAuth <token>` or `ApiKey <key>`; a missing or unknown token answers 401; RFC 9110 "
    "11.6.2] An Authorization header that is not `<scheme> <credential>` with a known credential (a scheme alone, a "
    "credential without its scheme, a credential with trailing text) answers 401, nothing created."
)
NO_LEAK = (
    "[openapi.yaml NotFound] Another account's objects answer 404 too, so that nothing about them leaks: the error "
    "body for another account's pool or task is the one for an id that names nothing (the same code, "
    "message and payload, the id aside)."
)

_MEDIA_TYPES = ("application/json; charset=utf-8", "Application/JSON")
# (method, path, the methods the path serves per openapi.yaml)
_UNSERVED: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("DELETE", TASKS, frozenset({"GET", "POST"})),
    ("PUT", SUITES, frozenset({"GET", "POST"})),
    ("DELETE", f"{OPERATIONS}/{{operation}}", frozenset({"GET"})),
)


@check(
    "requests.media_type_parameters",
    "application/json with parameters or in capitals is accepted",
    MEDIA_PARAMETERS,
    creates=2,
)
def media_type_parameters(ctx: Context) -> str:
    """One valid task sent under each spelling of application/json: 201 each time."""
    for media_type in _MEDIA_TYPES:
        body = json.dumps([task(ctx)]).encode()
        exchange = ctx.api.send("POST", TASKS, content=body, headers={"Content-Type": media_type})
        try:
            expect_status(exchange, 201, MEDIA_PARAMETERS)
        except Failed as failure:
            raise failure.about(f"Content-Type: {media_type}") from None
    return f"201 for {' and '.join(_MEDIA_TYPES)}"


@check("requests.method_not_served", "A method a path does not serve answers 405 with Allow", METHOD)
def method_not_served(ctx: Context) -> str:
    """DELETE /tasks, PUT /task-suites, DELETE /operations/{id}: 405 with Allow naming the served methods."""
    before = newest_id(ctx, TASKS)
    for method, template, served in _UNSERVED:
        path = template.format(operation=uuid.uuid4())
        exchange = ctx.api.send(method, path)
        allowed = {part.strip().upper() for part in exchange.response.headers.get("allow", "").split(",")}
        if exchange.status != 405 or not served <= allowed:
            raise Failed(
                f"{exchange.summary()} (Allow: {exchange.response.headers.get('allow', '<none>')})",
                expected=f"405 with Allow naming {', '.join(sorted(served))}",
                rule=METHOD,
                exchange=exchange,
            ).about(f"{method} {template}")
    expect_nothing_created(ctx, TASKS, before, METHOD, exchange)
    return "405 with Allow for " + ", ".join(f"{method} {template}" for method, template, _ in _UNSERVED)


@check("auth.malformed", "A malformed Authorization header answers 401, nothing created", MALFORMED_AUTH, creates=1)
def malformed_authorization(ctx: Context) -> str:
    """A scheme with no credential, the credential with no scheme, and the credential with trailing text: 401."""
    credential = ctx.target.token.reveal()
    scheme = ctx.target.scheme(ctx.target.token)
    cases = {
        "the scheme alone": scheme,
        "the credential without its scheme": credential,
        "the credential with trailing text": f"{scheme} {credential} conformance",
    }
    before = newest_id(ctx, TASKS)
    for description, value in cases.items():
        exchange = ctx.anonymous.send("POST", TASKS, json_body=[task(ctx)], headers={"Authorization": value})
        try:
            expect_error(exchange, 401, "AUTHENTICATION_ERROR", MALFORMED_AUTH)
        except Failed as failure:
            raise failure.about(description) from None
        expect_nothing_created(ctx, TASKS, before, MALFORMED_AUTH, exchange)
    return "401 AUTHENTICATION_ERROR for " + ", ".join(cases)


def _said(exchange: Exchange, *ids: str) -> dict[str, Any]:
    """What an error body says, the ids it names masked (request_id is per request)."""
    body = exchange.json()
    said = {k: v for k, v in body.items() if k != "request_id"} if isinstance(body, dict) else {"body": body}
    text = json.dumps(said, sort_keys=True)
    for named in ids:
        text = re.sub(re.escape(named), "<id>", text)
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def _same_answer(what: str, foreign: Exchange, missing: Exchange, foreign_id: str, missing_id: str) -> None:
    if foreign.status != missing.status or _said(foreign, foreign_id) != _said(missing, missing_id):
        raise Failed(
            f"{what}: {foreign.summary()}; one that names nothing: {missing.summary()}",
            expected="the same status and error body (ids aside)",
            rule=NO_LEAK,
            exchange=foreign,
        )


@check(
    "isolation.error_body",
    "An error about another account's object says no more than for a missing one",
    NO_LEAK,
    creates=1,
)
def error_body_leaks_nothing(ctx: Context) -> str:
    """Another account's pool (upload into it, GET it) and this account's task read by the other account: each
    answer equals the one for an id that names nothing."""
    seen = []
    missing_pool = "987654321"
    foreign_pool = ctx.target.foreign_pool_id
    if foreign_pool is not None:
        into = [ctx.api.post(TASKS, [task(ctx, pool_id=pool)]) for pool in (foreign_pool, missing_pool)]
        _same_answer("an upload into another account's pool", into[0], into[1], foreign_pool, missing_pool)
        read = [ctx.api.get(f"{POOLS}/{pool}") for pool in (foreign_pool, missing_pool)]
        _same_answer("GET another account's pool", read[0], read[1], foreign_pool, missing_pool)
        seen.append("another account's pool (upload, GET)")
    if ctx.other is not None:
        created, _ = create_one(ctx, TASKS, task(ctx), NO_LEAK)
        missing_task = "0000000000--" + uuid.uuid4().hex[:24]
        reads = [ctx.other.get(f"{TASKS}/{item}") for item in (created["id"], missing_task)]
        _same_answer("another account's task read by id", reads[0], reads[1], created["id"], missing_task)
        seen.append("this account's task read by the other account")
    if not seen:
        raise Skipped("needs another account's pool (--foreign-pool-id) or token (--other-token-env)")
    return "the same 404 body as for an id naming nothing: " + "; ".join(seen)
