"""Tokens as values that never print, and the scrubbing of any text that might still contain one."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "REDACTED"


class Secret:
    """A token: `reveal()` gives the value, every other way of printing it gives REDACTED."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header only."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def scrub(text: str, secrets: Iterable[Secret | None]) -> str:
    """`text` with every occurrence of any of the tokens replaced by REDACTED."""
    for secret in secrets:
        if secret is not None and secret.reveal():
            text = text.replace(secret.reveal(), REDACTED)
    return text
