"""A local emulator of Toloka's batch task-creation API (Starlette + uvicorn + SQLite).

Public API:

- `create_app(config=None, db_path=":memory:") -> starlette.applications.Starlette`: the ASGI app. `config` is
  an `EmulatorConfig`, a path to a TOML file, or None for the packaged default. In-process tests can use
  `httpx.AsyncClient(transport=httpx.ASGITransport(app=app))`: the background worker that runs async
  operations starts lazily on the first upload or operation read; `await app.state.emulator.stop_worker()`
  and `app.state.emulator.close()` release it at the end.
- `toloka_emulator.config.load_config(path=None) -> EmulatorConfig`: read a TOML config (packaged default if
  None). `EmulatorConfig.token_of("requester")` gives an account's token; `.pools` maps pool id to
  `PoolConfig` (owner, status, project_id, defaults, example_input_values); `.projects` maps project id to
  `ProjectConfig` (owner, input_spec, output_spec).
- `toloka_emulator.config_writer.write_config(path, overrides=None, base_path=None) -> Path`: write a config
  file with overrides merged in, e.g. `{"limits": {"items_per_minute": 10**9, "items_per_day": 10**12}}`.
- `toloka_emulator.testing.running_emulator(config_path=None, db_path=None, config_overrides=None)`: a
  context manager that runs `python -m toloka_emulator serve` as a real uvicorn subprocess on a free
  loopback port and yields a `RunningEmulator` with `.base_url`, `.pid`, `.config`, `.token(account)`,
  `.headers(account)`, `.db_path`, `.log()`, `.kill()` (SIGKILL) and `.stop()` (SIGTERM, clean exit).

Command line: `toloka-emulator serve --host 127.0.0.1 --port 8080 --db PATH --config FILE` and
`toloka-emulator config [--config FILE]` (prints the effective config, tokens included, as JSON).
Default config: tokens `emulator-requester-token` (account "requester", pools "1" open, "2" closed,
"3" archived) and `emulator-other-token` (account "other-requester", pool "4").

Rate limits (`[limits] items_per_minute`, `items_per_day`, per account) count the items that get created, in
both modes: a synchronous upload counts its valid items when it creates them (a 400 counts nothing); an
asynchronous upload reserves all its items when it is accepted, so 429 comes at POST time as with the real
API, and gives back those not created when the operation ends (if their minute or day is still current).
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
