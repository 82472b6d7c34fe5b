"""A local emulator of Toloka's batch task-creation API (Starlette + uvicorn + SQLite).

Public API:

- `create_app(config=None, db_path=":memory:", *, clock=time.time, sleep=asyncio.sleep, testing=False)`: the
  ASGI app. `config` is an `EmulatorConfig`, a config file (TOML or JSON), a dict of overrides of the packaged
  default, or None for the default. `clock`/`sleep` are the app's one clock (timestamps, rate windows, operation
  latency); the worker that ends async operations runs in the app's lifespan. `testing=True` records requests
  and adds `POST /_emulator/reset` and `GET /_emulator/requests`.
- `toloka_emulator.inprocess.InProcessEmulator(config=None)`: the app on a private event loop, no socket; its
  `.transport` serves sync and async httpx clients, the typed client and toloka_upload alike. `running(app)`
  runs an app's lifespan in the current loop for `httpx.ASGITransport`.
- `toloka_emulator.config.load_config(path=None, overrides=None) -> EmulatorConfig`: read a config (packaged
  default if None), overrides merged in. `.token_of("requester")`, `.pools`, `.projects`, `.limits`, `.worker`,
  `.faults`; `.with_overrides(dict)`.
- `toloka_emulator.config_writer.write_config(path, overrides=None, base_path=None) -> Path`: write a config
  file with overrides merged in, e.g. `{"limits": {"items_per_minute": 10**9, "items_per_day": 10**12}}`.
- `toloka_emulator.testing.running_emulator(config_path=None, db_path=None, config_overrides=None, *,
  testing=False)`: a context manager that runs `python -m toloka_emulator serve` as a real uvicorn subprocess on
  a free loopback port (it dies with this process) and yields a `RunningEmulator` with `.base_url`, `.token`
  (`.token("other-requester")` too), `.pid`, `.config`, `.headers(account)`, `.client()`, `.upload_options()`,
  `.reset()`, `.requests()`, `.db_path`, `.log()`, `.kill()` (SIGKILL) and `.stop()` (SIGTERM, clean exit).
- The pytest plugin (entry point `toloka_emulator`, fixtures in `toloka_emulator.fixtures`): inert unless
  `--toloka-emulator=inprocess|process` or the ini key `toloka_emulator` asks for it.

Command line: `toloka-emulator serve --host 127.0.0.1 --port 8080 --db PATH --config FILE` (plus the
production-like flags: `--operation-delay`, `--error-rate`, ...) and `toloka-emulator config [--config FILE]
[--json]` (prints the effective config, tokens included, as TOML that `--config` reads).
Default config: tokens `emulator-requester-token` (account "requester", pools "1" open, "2" closed,
"3" archived) and `emulator-other-token` (account "other-requester", pool "4").

Rate limits (`[limits] tasks_per_minute`, `tasks_per_day`, `task_suites_per_minute`, `task_suites_per_day`, per
account and kind) count the items that get created, in both modes: a synchronous upload counts its valid items
when it creates them (a 400 counts nothing); an asynchronous upload reserves all its items when it is accepted,
so 429 comes at POST time as with the real API, and gives back those not created when the operation ends (if
their minute or day is still current). `requests_per_second` counts every authenticated request.
A request with more items than a whole window allows is 413 `ENTITY_TOO_LARGE`, never 429. Counts are kept in
memory and start afresh on restart.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toloka_emulator.app import create_app
    from toloka_emulator.config import EmulatorConfig, load_config

__all__ = ["EmulatorConfig", "create_app", "load_config"]


def __getattr__(name: str) -> Any:
    # Imported when asked for: the pytest plugin (an entry point, loaded in every test run where this package is
    # installed) imports this package, and the app's imports cost about half a second.
    if name == "create_app":
        from toloka_emulator.app import create_app

        return create_app
    if name in ("EmulatorConfig", "load_config"):
        from toloka_emulator import config

        return getattr(config, name)
    raise AttributeError(f"module 'toloka_emulator' has no attribute {name!r}")
