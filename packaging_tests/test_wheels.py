"""The built wheels work outside this checkout: a fresh virtual environment, the wheels only, no source tree.

The wheels are built here (`uv build --all-packages`, as `make dist` does, into a temporary directory) and installed
with `uv pip install` into a new environment under the system's temp directory, with the third-party versions of
uv.lock as constraints (offline from uv's cache when it holds them). Every command then runs with that
environment's interpreter and scripts, its working directory outside the repository, and an environment without
VIRTUAL_ENV or PYTHONPATH, so nothing of the workspace can be imported by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from toloka_emulator.testing import is_running

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("toloka_contract", "toloka_client", "toloka_emulator", "toloka_upload", "toloka_conformance")
TOKEN = "emulator-requester-token"  # noqa: S105 (the emulator's default config: not a secret)
STARTUP_TIMEOUT = 30.0


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        pytest.fail("uv is needed to build and install the wheels (run through `make test` or `uv run`)")
    return found


def _run(command: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120.0) -> str:
    """Run a command; fail the test with its output when it exits non-zero."""
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every package's wheel and sdist, built from this checkout into a temporary directory."""
    out = tmp_path_factory.mktemp("dist")
    _run([_uv(), "build", "--all-packages", "--no-create-gitignore", "-o", out], cwd=REPO, timeout=300)
    return out


@dataclass(frozen=True)
class Venv:
    """A virtual environment outside the repository, and how to run things in it."""

    root: Path
    work: Path  # an empty working directory outside the repository

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a user's shell would give: this venv's scripts first, nothing of the workspace."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH")
            and not key.startswith("UV_")
        }
        repo_bins = {str(REPO / ".venv" / "bin"), str(Path(sys.executable).parent)}
        path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry and entry not in repo_bins]
        env["PATH"] = os.pathsep.join([str(self.bin), *path])
        env["VIRTUAL_ENV"] = str(self.root)
        return {**env, **extra}

    def run(self, *command: str | Path, timeout: float = 120.0, **env: str) -> subprocess.CompletedProcess[str]:
        """Run one of the venv's scripts (or `python`) in the work directory, `env` added to its environment;
        the result, whatever the exit status."""
        program = self.bin / str(command[0])
        return subprocess.run(
            [str(program), *map(str, command[1:])],
            cwd=self.work,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        """`python -I -c code`: isolated mode, so neither the cwd nor PYTHON* variables reach sys.path."""
        return self.run("python", "-I", "-c", code)


def _make_venv(tmp_path_factory: pytest.TempPathFactory, dist: Path, name: str, requirements: list[str]) -> Venv:
    root = tmp_path_factory.mktemp(name)
    assert not root.resolve().is_relative_to(REPO), "the environment must live outside the repository"
    venv = Venv(root / "venv", root / "work")
    venv.work.mkdir()
    uv = _uv()
    _run([uv, "venv", "--quiet", "--python", sys.executable, venv.root], cwd=venv.work)
    constraints = root / "constraints.txt"  # the lock's third-party versions, so CI stays exact
    export = [uv, "export", "--frozen", "--all-packages", "--no-dev", "--no-emit-workspace", "--no-hashes"]
    _run([*export, "--quiet", "--format", "requirements-txt", "-o", constraints], cwd=REPO)
    install: list[str | Path] = [uv, "pip", "install", "--quiet", "--python", venv.bin / "python", "-c", constraints]
    install += requirements
    env = venv.env()
    offline = subprocess.run(
        [*map(str, install), "--offline"], cwd=venv.work, env=env, capture_output=True, check=False
    )
    if offline.returncode != 0:  # the cache lacks something: the registry has it
        _run(install, cwd=venv.work, env=env, timeout=300)
    return venv


def _wheel(dist: Path, package: str) -> str:
    [wheel] = dist.glob(f"{package}-*.whl")
    return str(wheel)


@pytest.fixture(scope="session")
def venv(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Venv:
    """Every package installed from its wheel (the suite with its `embedded` extra)."""
    wheels = [_wheel(dist, package) for package in PACKAGES if package != "toloka_conformance"]
    suite = f"toloka-conformance[embedded] @ {Path(_wheel(dist, 'toloka_conformance')).as_uri()}"
    return _make_venv(tmp_path_factory, dist, "wheels", [*wheels, suite])


def _read_port(port_file: Path, process: subprocess.Popen[str]) -> int:
    """The port `serve --port 0 --port-file` wrote once listening (it listens before it tells: no race)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"toloka-emulator serve exited {process.returncode}: {process.communicate()[1]}")
        try:
            return int(port_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            time.sleep(0.05)  # a real process starting: polled on the wall clock
    pytest.fail(f"toloka-emulator serve wrote no --port-file within {STARTUP_TIMEOUT:.0f} s")


@dataclass
class Served:
    base_url: str
    process: subprocess.Popen[str]


@pytest.fixture
def served(venv: Venv) -> Iterator[Served]:
    """`toloka-emulator serve` from the venv on a free port (in-memory database), stopped after the test."""
    port_file = venv.work / "emulator.port"
    port_file.unlink(missing_ok=True)
    command = [str(venv.bin / "toloka-emulator"), "serve", "--port", "0", "--port-file", str(port_file)]
    command += ["--db", ":memory:"]
    process = subprocess.Popen(
        command, cwd=venv.work, env=venv.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        port = _read_port(port_file, process)  # written once the server listens
        yield Served(f"http://127.0.0.1:{port}", process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def test_every_package_has_a_wheel_and_an_sdist_that_carries_the_spec(dist: Path) -> None:
    """`make dist`'s output: a wheel and an sdist per package; the contract's openapi.yaml is the file, not the
    repository's symlink, in both."""
    for package in PACKAGES:
        assert len(list(dist.glob(f"{package}-*.whl"))) == 1, package
        assert len(list(dist.glob(f"{package}-*.tar.gz"))) == 1, package
    spec = (REPO / "openapi.yaml").read_bytes()
    [sdist] = dist.glob("toloka_contract-*.tar.gz")
    with tarfile.open(sdist) as archive:
        [member] = [m for m in archive.getmembers() if m.name.endswith("/toloka_contract/openapi.yaml")]
        assert member.isfile()
        extracted = archive.extractfile(member)
        assert extracted is not None and extracted.read() == spec
    with zipfile.ZipFile(_wheel(dist, "toloka_contract")) as wheel:
        assert wheel.read("toloka_contract/openapi.yaml") == spec


def test_the_packages_come_from_the_wheels_not_the_checkout(venv: Venv) -> None:
    """Each module is the installed copy, sys.path holds nothing of the repository, the spec is package data,
    and the suite's runtime pulls in no test tool of this repository."""
    code = f"""
import importlib, importlib.util, json, sys
found = {{name: importlib.import_module(name).__file__ for name in {list(PACKAGES)!r}}}
import toloka_conformance.cli, toloka_conformance.runner
from toloka_contract.spec import load_spec
print(json.dumps({{
    "files": found,
    "path": sys.path,
    "spec_title": load_spec()["info"]["title"],
    "test_tools": [m for m in ("openapi_core", "client_checks_support") if importlib.util.find_spec(m)],
    "loaded": [m for m in ("jsonschema", "openapi_core", "werkzeug") if m in sys.modules],
}}))
"""
    done = venv.python(code)
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    site = venv.root.resolve()
    for name, file in facts["files"].items():
        assert Path(file).resolve().is_relative_to(site), f"{name} imported from {file}"
    assert not [entry for entry in facts["path"] if entry and Path(entry).resolve().is_relative_to(REPO)]
    assert facts["spec_title"] == "Toloka batch task-creation API"
    assert facts["test_tools"] == []  # openapi-core is the client checks' tool, not a runtime dependency
    assert facts["loaded"] == []


def test_the_client_makes_typed_calls_with_the_default_prefix(venv: Venv, served: Served) -> None:
    """`AuthenticatedClient(base_url=..., token=...)`, nothing else: OAuth for a token, ApiKey for an API key."""
    code = f"""
import json
from toloka_client import AuthenticatedClient
from toloka_client.api.pools import get_pool
from toloka_client.api.tasks import create_tasks
from toloka_client.models import Pool, TaskBatchCreateResult, TaskCreate

client = AuthenticatedClient(base_url={served.base_url!r}, token={TOKEN!r})
pool = get_pool.sync("1", client=client)
task = TaskCreate.from_dict({{"pool_id": "1", "input_values": {{"image": "https://example.com/1.png"}}, "overlap": 1}})
result = create_tasks.sync(client=client, body=[task])
key_client = AuthenticatedClient(base_url={served.base_url!r}, token="emulator-requester-key1.api-key.emulator")
print(json.dumps({{
    "pool": [type(pool).__name__, pool.id if isinstance(pool, Pool) else None],
    "created": type(result).__name__,
    "ids": sorted(result.items.additional_properties) if isinstance(result, TaskBatchCreateResult) else None,
    "with_api_key": type(get_pool.sync("1", client=key_client)).__name__,
}}))
"""
    done = venv.python(code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "pool": ["Pool", "1"],
        "created": "TaskBatchCreateResult",
        "ids": ["0"],
        "with_api_key": "Pool",
    }


def test_toloka_upload_uploads_a_small_file(venv: Venv, served: Served) -> None:
    items = [{"input_values": {"image": f"https://example.com/{n}.png"}, "overlap": 1} for n in range(3)]
    tasks = venv.work / "tasks.jsonl"
    tasks.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    output = venv.work / "results.jsonl"
    done = venv.run(
        "toloka-upload",
        "tasks",
        tasks.name,
        "--base-url",
        served.base_url,
        "--pool-id",
        "1",
        "--no-progress",
        "--output",
        output.name,
        TOLOKA_TOKEN=TOKEN,
    )
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(line["index"], line["status"]) for line in lines] == [(0, "created"), (1, "created"), (2, "created")]
    assert all(line["id"] for line in lines)


def test_toloka_conformance_embedded_quick_writes_a_passing_report(venv: Venv) -> None:
    report = venv.work / "report"
    done = venv.run("toloka-conformance", "--embedded", "--quick", "--report", "report", timeout=180)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    markdown = (report / "report.md").read_text(encoding="utf-8")
    assert "(embedded emulator)" in markdown
    summary = next(line for line in markdown.splitlines() if line.startswith("**"))
    assert summary.startswith("**PASSED:") and " 0 failed, 0 errors" in summary, summary
    suites = ET.parse(report / "junit.xml").getroot()  # noqa: S314
    cases = suites.findall(".//testcase")
    assert len(cases) > 50  # every requirement is a row: behaviour, schemathesis, the generated client
    assert not [
        case.get("name") for case in cases if case.find("failure") is not None or case.find("error") is not None
    ]
    assert {case.get("name", "").split(".")[0] for case in cases} >= {"tasks", "suites", "client", "schemathesis"}


def test_toloka_emulator_serve_answers_and_stops_cleanly_on_sigint(venv: Venv, served: Served) -> None:
    url = f"{served.base_url}/api/v1/pools/1"
    request = urllib.request.Request(url, headers={"Authorization": f"OAuth {TOKEN}"})  # noqa: S310 (loopback http)
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert answer.status == 200
        assert json.loads(answer.read())["id"] == "1"
    served.process.send_signal(signal.SIGINT)
    _, stderr = served.process.communicate(timeout=15)
    assert served.process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped cleanly" in stderr


def test_embedded_without_the_emulator_says_which_extra_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, dist: Path
) -> None:
    """`pip install toloka-conformance` alone: `--embedded` names the extra, exit status 2, no traceback."""
    wheels = [_wheel(dist, package) for package in ("toloka_contract", "toloka_client", "toloka_conformance")]
    bare = _make_venv(tmp_path_factory, dist, "bare", wheels)
    assert (
        bare.python("import importlib.util; assert importlib.util.find_spec('toloka_emulator') is None").returncode == 0
    )
    done = bare.run("toloka-conformance", "--embedded", "--quick")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "toloka-conformance: error: --embedded needs the emulator, which is not installed: "
        "pip install 'toloka-conformance[embedded]'"
    ]
    assert done.stdout == ""
    # --base-url without --token-env reads an emulator's config, which needs the emulator too: also one line.
    done = bare.run("toloka-conformance", "--base-url", "http://127.0.0.1:9", "--quick")
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("toloka-conformance: error: --token-env is missing") and "[embedded]" in line, line


USER_PROJECT = Path(__file__).with_name("user_project")


@pytest.fixture(scope="session")
def user_venv(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Venv:
    """What a user testing their own pipeline installs: the emulator with its `pytest` extra and the uploader, no
    suite (so neither schemathesis' nor hypothesis' pytest plugin loads), and pytest-xdist; their project copied in."""
    wheels = [_wheel(dist, package) for package in ("toloka_contract", "toloka_client", "toloka_upload")]
    emulator = f"toloka-emulator[pytest] @ {Path(_wheel(dist, 'toloka_emulator')).as_uri()}"
    venv = _make_venv(tmp_path_factory, dist, "user", [*wheels, emulator, "pytest-xdist>=3.5"])
    shutil.copytree(USER_PROJECT, venv.work, dirs_exist_ok=True)
    return venv


@pytest.mark.parametrize("mode", ["inprocess", "process"])
def test_a_users_pipeline_tests_pass_on_the_fixtures_with_xdist(user_venv: Venv, mode: str) -> None:
    absent = "import importlib.util as u; assert not any(u.find_spec(m) for m in ('schemathesis', 'hypothesis'))"
    assert user_venv.python(absent).returncode == 0
    done = user_venv.run("pytest", "-n", "2", "-q", "-p", "no:cacheprovider", f"--toloka-emulator={mode}", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout, done.stdout


ORPHANED_TESTS = """
import os
import pathlib
import time


def test_waits(toloka_emulator):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    facts = pathlib.Path(os.environ["FACTS"]) / worker
    facts.write_text(f"{toloka_emulator.pid} {toloka_emulator.db_path.parent}")
    time.sleep(120)  # real time: the test process is killed while it waits


test_waits_too = test_waits
"""


def test_a_killed_pytest_leaves_no_emulator_and_no_temp_files(user_venv: Venv) -> None:
    """kill -9 of a `pytest -n 2` run whose two workers each hold an emulator process: both emulators end, and their
    temporary directories go with them."""
    tests = user_venv.work / "orphans"
    tests.mkdir(exist_ok=True)
    (tests / "test_orphans.py").write_text(ORPHANED_TESTS)
    facts = user_venv.work / "facts"
    facts.mkdir(exist_ok=True)
    command = [str(user_venv.bin / "pytest"), "-n", "2", "-q", "-p", "no:cacheprovider", "--toloka-emulator=process"]
    runner = subprocess.Popen(
        [*command, str(tests)], cwd=user_venv.work, env=user_venv.env(FACTS=str(facts)), stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(facts.iterdir())) < 2 and time.monotonic() < deadline and runner.poll() is None:
            time.sleep(0.1)  # real time: other processes are starting
        emulators = [file.read_text().split(" ", 1) for file in facts.iterdir()]
        assert len(emulators) == 2 and all(is_running(int(pid)) for pid, _ in emulators)
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait()
    assert runner.returncode == -signal.SIGKILL  # the interruption happened
    deadline = time.monotonic() + 30
    while any(is_running(int(pid)) or Path(tmp).exists() for pid, tmp in emulators) and time.monotonic() < deadline:
        time.sleep(0.1)  # real time: the orphaned servers shut down on their own
    assert [pid for pid, _ in emulators if is_running(int(pid))] == [], (
        "an emulator outlived the pytest that started it"
    )
    assert [tmp for _, tmp in emulators if Path(tmp).exists()] == [], "a temporary directory outlived its emulator"
