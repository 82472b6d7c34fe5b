"""toloka-kit's ApiKey rule, the header value, and a Secret that never shows."""

import pickle

import pytest
from toloka_contract.auth import Secret, authorization_header, authorization_scheme, is_header_safe

# Tokens with two dots, the first at index 21..25 (toloka-kit: ApiKey when 21 < index < 25).
API_KEY_22 = "a" * 22 + ".bbbb.cccc"
API_KEY_24 = "a" * 24 + ".bbbb.cccc"


@pytest.mark.parametrize("token", [API_KEY_22, "a" * 23 + ".b.c", API_KEY_24, Secret(API_KEY_22)])
def test_api_keys(token: str | Secret) -> None:
    assert authorization_scheme(token) == "ApiKey"


@pytest.mark.parametrize(
    "token",
    [
        "a" * 21 + ".bbbb.cccc",  # first dot at 21
        "a" * 25 + ".bbbb.cccc",  # first dot at 25
        "a" * 22 + ".bbbb",  # one dot
        "a" * 22 + ".b.c.d",  # three dots
        "y0_AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # an OAuth token
        "",
    ],
)
def test_oauth_tokens(token: str) -> None:
    assert authorization_scheme(token) == "OAuth"


def test_the_rule_is_toloka_kits() -> None:
    """Same answers as toloka-kit's `__is_apikey`, written out as it is there."""

    def toloka_kit(token: str) -> bool:
        if token.count(".") != 2:
            return False
        dot_pos = token.find(".")
        return 21 < dot_pos < 25

    for first in range(30):
        for tail in (".a.b", ".a", ".a.b.c", ""):
            token = "x" * first + tail
            assert (authorization_scheme(token) == "ApiKey") is toloka_kit(token), token


def test_authorization_header() -> None:
    assert authorization_header("tok") == "OAuth tok"
    assert authorization_header(API_KEY_22) == f"ApiKey {API_KEY_22}"
    assert authorization_header(Secret("tok"), "ApiKey") == "ApiKey tok"
    assert authorization_header(API_KEY_22, "OAuth") == f"OAuth {API_KEY_22}"


@pytest.mark.parametrize("token", ["", "a b", "tok\r\nX-Evil: 1", "tök", "\t"])
def test_a_token_no_header_can_carry_is_refused_without_showing_it(token: str) -> None:
    assert not is_header_safe(token)
    with pytest.raises(ValueError) as raised:
        authorization_header(token)
    if token.strip():
        assert token not in str(raised.value)


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="Bearer"):
        authorization_header("tok", "Bearer")  # type: ignore[arg-type]


def test_secret_never_shows() -> None:
    secret = Secret("s3cr3t-token")
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>20}", repr([secret])):
        assert "s3cr3t" not in shown
    assert secret.reveal() == "s3cr3t-token"
    assert secret == Secret("s3cr3t-token")
    assert secret != "s3cr3t-token"  # noqa: S105 (a test value)
    assert len({secret, Secret("s3cr3t-token")}) == 1
    assert not Secret("")
    assert pickle.loads(pickle.dumps(secret)).reveal() == "s3cr3t-token"  # noqa: S301 (our own bytes)


def test_secret_holds_a_str() -> None:
    with pytest.raises(TypeError):
        Secret(b"bytes")  # type: ignore[arg-type]
