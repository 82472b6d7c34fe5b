"""The Authorization header: `OAuth <token>` or `ApiKey <key>`, picked by toloka-kit's rule; and `Secret`.

toloka-kit (`toloka.client.TolokaClient.__is_apikey`) sends `ApiKey` for a token with exactly two dots whose first
dot is at index 22, 23 or 24, and `OAuth` for anything else. The emulator accepts both schemes.
"""

from __future__ import annotations

from typing import Final, Literal

Scheme = Literal["OAuth", "ApiKey"]
SCHEMES: Final[tuple[Scheme, ...]] = ("OAuth", "ApiKey")
AUTO: Final = "auto"


class Secret:
    """A secret string (a token) whose repr and str never show it; `.reveal()` gives it for the header only."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        """The secret itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


def _value(token: str | Secret) -> str:
    return token.reveal() if isinstance(token, Secret) else token


def authorization_scheme(token: str | Secret) -> Scheme:
    """`ApiKey` for a token with two dots, the first at index 22..24 (toloka-kit's rule); otherwise `OAuth`."""
    value = _value(token)
    return "ApiKey" if value.count(".") == 2 and 21 < value.find(".") < 25 else "OAuth"


def is_header_safe(token: str | Secret) -> bool:
    """Whether an Authorization header can carry the token: non-empty, visible ASCII only (no spaces, no CR/LF)."""
    value = _value(token)
    return bool(value) and all("!" <= char <= "~" for char in value)


def authorization_header(token: str | Secret, scheme: Scheme | Literal["auto"] = AUTO) -> str:
    """The Authorization header's value, `<scheme> <token>`; `auto` picks the scheme by `authorization_scheme`.

    ValueError (never showing the token) for a token a header cannot carry or an unknown scheme.
    """
    if not is_header_safe(token):
        raise ValueError(
            "the token is empty or has characters an HTTP header cannot carry (whitespace, line breaks, control or "
            "non-ASCII characters)"
        )
    if scheme == AUTO:
        scheme = authorization_scheme(token)
    elif scheme not in SCHEMES:
        raise ValueError(f"unknown Authorization scheme {scheme!r}: use one of auto, {', '.join(SCHEMES)}")
    return f"{scheme} {_value(token)}"
