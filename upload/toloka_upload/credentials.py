"""The API token: where it comes from, which header prefix it takes, and how it stays out of logs."""

import os
from typing import Final

TOKEN_ENV: Final = "TOLOKA_TOKEN"  # noqa: S105 (the name of the variable, not a secret)


class MissingTokenError(ValueError):
    """No token was passed and `TOLOKA_TOKEN` is not set."""


class Token:
    """A secret token whose repr and str never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        # A header cannot carry it otherwise; the message never repeats the value, which is the secret.
        if not value or not all("!" <= char <= "~" for char in value):
            raise ValueError(
                "the token is empty or has characters an HTTP header cannot carry (whitespace, line breaks, "
                "control or non-ASCII characters)"
            )
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header only."""
        return self._value

    @property
    def prefix(self) -> str:
        """`ApiKey` for current API keys (two dots, the first at 22..24, as the official SDKs test), else `OAuth`."""
        first_dot = self._value.find(".")
        return "ApiKey" if self._value.count(".") == 2 and 22 <= first_dot <= 24 else "OAuth"

    def __repr__(self) -> str:
        return "Token('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def resolve_token(token: str | Token | None) -> Token:
    """The token given, else the one in `TOLOKA_TOKEN`."""
    if isinstance(token, Token):
        return token
    value = token if token is not None else os.environ.get(TOKEN_ENV)
    if not value:
        raise MissingTokenError(f"no token: pass token=... or set {TOKEN_ENV}")
    return Token(value)
