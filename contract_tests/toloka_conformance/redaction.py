"""Tokens as values that never print, and the scrubbing of any text that might still contain one.

`Secret` is the contract package's one secret type (`toloka_contract.auth.Secret`), re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable

from toloka_contract.auth import Secret

REDACTED = "REDACTED"

__all__ = ["REDACTED", "Secret", "scrub"]


def scrub(text: str, secrets: Iterable[Secret | None]) -> str:
    """`text` with every occurrence of any of the tokens replaced by REDACTED."""
    for secret in secrets:
        if secret is not None and secret.reveal():
            text = text.replace(secret.reveal(), REDACTED)
    return text
