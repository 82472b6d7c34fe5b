"""generator/check_generated.py passes on the repository and fails on a drifted copy of it.

Drift is made on a scratch copy of openapi.yaml + generator/ + generated_client/, never on the real tree.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = "generator/check_generated.py"
CACHES = shutil.ignore_patterns("__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", ".venv")
A_MODEL = Path("generated_client/toloka_client/models/task_create.py")
PARSED = Path("contract/toloka_contract/openapi.json")


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the drift check of `root` as `make check-generated` does, with the venv's tools first on PATH."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [sys.executable, str(root / CHECK), str(root)], capture_output=True, text=True, check=False, env=env, cwd=root
    )


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A copy of the parts of the repository the generator reads and writes."""
    shutil.copy2(REPO / "openapi.yaml", tmp_path / "openapi.yaml")
    for directory in ("generator", "generated_client"):
        shutil.copytree(REPO / directory, tmp_path / directory, ignore=CACHES, symlinks=True)
    (tmp_path / PARSED).parent.mkdir(parents=True)
    shutil.copy2(REPO / PARSED, tmp_path / PARSED)
    return tmp_path


def test_the_repository_is_in_sync() -> None:
    result = run_check(REPO)
    assert result.returncode == 0, result.stderr


def test_an_untouched_copy_is_in_sync(scratch_repo: Path) -> None:
    """The failures below come from the edits, not from checking a copy."""
    result = run_check(scratch_repo)
    assert result.returncode == 0, result.stderr


def test_a_hand_edit_of_a_generated_file_fails(scratch_repo: Path) -> None:
    model = scratch_repo / A_MODEL
    model.write_text(model.read_text(encoding="utf-8").replace("pool_id: str", "pool_id: int", 1), encoding="utf-8")
    result = run_check(scratch_repo)
    assert result.returncode != 0
    assert str(A_MODEL.relative_to("generated_client")) in result.stderr
    assert "+    pool_id: int" in result.stderr


def test_an_extra_and_a_missing_file_are_both_reported(scratch_repo: Path) -> None:
    (scratch_repo / "generated_client/toloka_client/models/hand_written.py").write_text("X = 1\n", encoding="utf-8")
    (scratch_repo / A_MODEL).unlink()
    result = run_check(scratch_repo)
    assert result.returncode != 0
    assert "toloka_client/models/hand_written.py" in result.stderr
    assert str(A_MODEL.relative_to("generated_client")) in result.stderr


def test_a_spec_edit_without_regenerating_the_parsed_copy_fails(scratch_repo: Path) -> None:
    """openapi.json must follow openapi.yaml: an edit the generated client does not show (an extension) is drift."""
    spec = scratch_repo / "openapi.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "x-edited: true\n", encoding="utf-8")
    result = run_check(scratch_repo)
    assert result.returncode != 0
    assert f"{PARSED} is not openapi.yaml parsed" in result.stderr
