"""What every emulator handle offers a test (a process or in-process): tokens, headers, a typed client, upload
options, a clean state and the recorded requests, all for one of the configured accounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toloka_emulator.config import EmulatorConfig
from toloka_emulator.recording import RecordedRequest

if TYPE_CHECKING:
    import httpx
    from toloka_client import AuthenticatedClient

DEFAULT_ACCOUNT = "requester"


class AccountToken(str):
    """The default account's token, an attribute like `base_url`; still callable as the method it used to be:
    `emulator.token()` is the same string, `emulator.token("other-requester")` another account's."""

    __slots__ = ("_config",)
    _config: EmulatorConfig

    def __new__(cls, config: EmulatorConfig) -> AccountToken:
        token = super().__new__(cls, config.token_of(DEFAULT_ACCOUNT))
        token._config = config
        return token

    def __call__(self, account: str = DEFAULT_ACCOUNT) -> str:
        """A token of a configured account."""
        return self._config.token_of(account)


class EmulatorAccess:
    """Accounts, clients and test controls of an emulator at `base_url` (through `transport` when in-process)."""

    base_url: str
    config: EmulatorConfig  # the configuration in force
    transport: httpx.BaseTransport | None = None  # in-process: the transport (sync and async); else None

    @property
    def token(self) -> AccountToken:
        """The default account's token (`token("other-requester")`: another account's)."""
        return AccountToken(self.config)

    def token_of(self, account: str = DEFAULT_ACCOUNT) -> str:
        """A token of a configured account."""
        return self.config.token_of(account)

    def headers(self, account: str = DEFAULT_ACCOUNT) -> dict[str, str]:
        """Authorization headers for a configured account."""
        return {"Authorization": f"OAuth {self.token_of(account)}"}

    def upload_options(self, account: str = DEFAULT_ACCOUNT) -> dict[str, Any]:
        """`base_url`, `token` (and `transport` in-process) for toloka_upload's functions and AsyncUploader."""
        options: dict[str, Any] = {"base_url": self.base_url, "token": self.token_of(account)}
        if self.transport is not None:
            options["transport"] = self.transport
        return options

    def client(self, account: str = DEFAULT_ACCOUNT) -> AuthenticatedClient:
        """The typed client (toloka_client) as `account`, for sync and async calls alike."""
        try:
            from toloka_client import AuthenticatedClient
        except ImportError:
            raise ImportError("the typed client needs toloka-client: pip install 'toloka-emulator[pytest]'") from None
        httpx_args = {"transport": self.transport} if self.transport is not None else {}
        return AuthenticatedClient(base_url=self.base_url, token=self.token_of(account), httpx_args=httpx_args)

    def reset(self, overrides: Mapping[str, Any] | None = None) -> None:
        """A clean state: no items, operations, pool changes or recorded requests; `overrides` of the first config."""
        raise NotImplementedError

    def requests(self) -> list[RecordedRequest]:
        """Every API request since the last reset, oldest first."""
        raise NotImplementedError

    def uploads(self) -> list[RecordedRequest]:
        """The upload requests (POST tasks or task suites) since the last reset."""
        return [record for record in self.requests() if record.items]
