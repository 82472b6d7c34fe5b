"""The API token: where it comes from. The secret type and the Authorization header (`OAuth <token>` or
`ApiKey <key>`, by toloka-kit's rule) are toloka_contract.auth's."""

import os
from typing import Final

from toloka_contract.auth import Secret, authorization_header

TOKEN_ENV: Final = "TOLOKA_TOKEN"  # noqa: S105 (the name of the variable, not a secret)

Token = Secret
"""The upload layer's name for toloka_contract.auth.Secret: a token whose repr and str never show it."""


class MissingTokenError(ValueError):
    """No token was passed and `TOLOKA_TOKEN` is not set."""


def resolve_token(token: str | Secret | None) -> Secret:
    """The token given, else the one in `TOLOKA_TOKEN`; a ValueError (never showing it) when an Authorization
    header cannot carry it (empty, whitespace, line breaks, control or non-ASCII characters)."""
    if isinstance(token, Secret):
        secret = token
    else:
        value = token if token is not None else os.environ.get(TOKEN_ENV)
        if not value:
            raise MissingTokenError(f"no token: pass token=... or set {TOKEN_ENV}")
        secret = Secret(value)
    authorization_header(secret)
    return secret
