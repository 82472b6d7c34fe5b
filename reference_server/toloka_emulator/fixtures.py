"""pytest fixtures for testing code that talks to Toloka against the emulator (registered by the plugin on demand).

- `toloka_emulator`: a clean emulator for this test (an EmulatorAccess: `base_url`, `token`, `headers()`,
  `client()`, `upload_options()`, `requests()`, `uploads()`, `reset()`); one emulator per test process (per xdist
  worker), reset before each test in well under 50 ms. `@pytest.mark.toloka_emulator(config={...})` gives one test
  its own accounts, projects, pools or limits (overrides of the session's config).
- `toloka_emulator_config`: the session's config overrides (a dict; `{}` by default): override it in a conftest.
- `toloka_client`: the typed client (toloka_client.AuthenticatedClient) bound to it, sync and async calls alike.
- `toloka_uploader`: toloka_upload's functions bound to it (`toloka_uploader.upload_tasks(items, pool_id="1")`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

try:
    import pytest
except ImportError as missing:  # only pytest loads this module
    raise ImportError("the fixtures need pytest: pip install 'toloka-emulator[pytest]'") from missing

from toloka_emulator.access import EmulatorAccess
from toloka_emulator.pytest_plugin import mode

if TYPE_CHECKING:
    from toloka_client import AuthenticatedClient
    from toloka_upload import AsyncUploader, UploadResult


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker."""
    config.addinivalue_line(
        "markers", "toloka_emulator(config): config overrides (accounts, projects, pools, limits) for this test"
    )


@pytest.fixture(scope="session")
def toloka_emulator_config() -> dict[str, Any]:
    """Config overrides for the session's emulator (tables merge key by key; lists such as `pools` are replaced)."""
    return {}


@pytest.fixture(scope="session")
def toloka_emulator_session(
    request: pytest.FixtureRequest, toloka_emulator_config: dict[str, Any]
) -> Iterator[EmulatorAccess]:
    """One emulator for this test process: in-process (the default) or a server (`--toloka-emulator=process`)."""
    if (mode(request.config) or "inprocess") == "process":
        from toloka_emulator.testing import running_emulator

        with running_emulator(config_overrides=toloka_emulator_config, testing=True) as server:
            yield server
    else:
        from toloka_emulator.inprocess import InProcessEmulator

        with InProcessEmulator(toloka_emulator_config) as emulator:
            yield emulator


@pytest.fixture
def toloka_emulator(request: pytest.FixtureRequest, toloka_emulator_session: EmulatorAccess) -> EmulatorAccess:
    """The session's emulator in a clean state (with the test's `toloka_emulator(config=...)` marker applied)."""
    marker = request.node.get_closest_marker("toloka_emulator")
    overrides = None
    if marker is not None:
        overrides = marker.kwargs.get("config", marker.args[0] if marker.args else None)
    toloka_emulator_session.reset(overrides)
    return toloka_emulator_session


@pytest.fixture
def toloka_client(toloka_emulator: EmulatorAccess) -> Iterator[AuthenticatedClient]:
    """The typed client as the default account, closed after the test."""
    with toloka_emulator.client() as client:
        yield client


class BoundUploader:
    """toloka_upload's one-call functions and AsyncUploader with `base_url`, `token` and `transport` filled in."""

    def __init__(self, emulator: EmulatorAccess, account: str = "requester") -> None:
        try:
            import toloka_upload
        except ImportError:
            raise ImportError("the uploader needs toloka-upload: pip install 'toloka-emulator[pytest]'") from None
        self._upload = toloka_upload
        self.options = emulator.upload_options(account)

    def upload_tasks(self, items: Iterable[object], **options: Any) -> UploadResult:
        """`toloka_upload.upload_tasks` against the emulator."""
        return self._upload.upload_tasks(items, **self.options, **options)

    def upload_task_suites(self, items: Iterable[object], **options: Any) -> UploadResult:
        """`toloka_upload.upload_task_suites` against the emulator."""
        return self._upload.upload_task_suites(items, **self.options, **options)

    async def async_upload_tasks(self, items: Iterable[object], **options: Any) -> UploadResult:
        """`toloka_upload.async_upload_tasks` against the emulator."""
        return await self._upload.async_upload_tasks(items, **self.options, **options)

    async def async_upload_task_suites(self, items: Iterable[object], **options: Any) -> UploadResult:
        """`toloka_upload.async_upload_task_suites` against the emulator."""
        return await self._upload.async_upload_task_suites(items, **self.options, **options)

    def uploader(self, **options: Any) -> AsyncUploader:
        """A `toloka_upload.AsyncUploader` against the emulator."""
        return self._upload.AsyncUploader(**self.options, **options)


@pytest.fixture
def toloka_uploader(toloka_emulator: EmulatorAccess) -> BoundUploader:
    """toloka_upload bound to the emulator as the default account."""
    return BoundUploader(toloka_emulator)
