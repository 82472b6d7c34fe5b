"""The committed corpus is exactly what tools/corpus/build.py writes from the pinned sources.

The sources are the 34 files the builder reads (and the three licences), vendored as `sources.tar.gz` (53 kB;
rewrite it with `build.py --sources <clones> --vendor tools/corpus/sources.tar.gz`). The builder runs as the
command a maintainer runs, into a scratch directory.
"""

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "contract_tests" / "corpus"
SOURCES = HERE / "sources.tar.gz"
PARTS = ("requests", "responses")


def _files(root: Path) -> set[Path]:
    return {path.relative_to(root) for part in PARTS for path in (root / part).rglob("*") if path.is_file()}


def _build(sources: Path, out: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(HERE / "build.py"), "--sources", str(sources), "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(not SOURCES.is_file(), reason=f"the vendored sources {SOURCES.name} are absent from this copy")
def test_the_committed_corpus_is_what_the_builder_writes(tmp_path: Path) -> None:
    built = _build(SOURCES, tmp_path)
    assert built.returncode == 0, built.stderr
    assert _files(tmp_path) == _files(CORPUS)
    different = [str(path) for path in sorted(_files(CORPUS)) if not filecmp.cmp(tmp_path / path, CORPUS / path, False)]
    assert different == []
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(PARTS)  # the scratch directory is gone


@pytest.mark.skipif(not SOURCES.is_file(), reason=f"the vendored sources {SOURCES.name} are absent from this copy")
def test_a_failed_build_leaves_the_corpus_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "requests").mkdir()
    kept = tmp_path / "requests" / "kept.json"
    kept.write_text("{}", encoding="utf-8")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not an archive")
    built = _build(broken, tmp_path)
    assert built.returncode != 0
    assert kept.read_text(encoding="utf-8") == "{}"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.tar.gz", "requests"]


def test_the_builder_wants_its_sources_named() -> None:
    """No default source path: without --sources it is a usage error (exit 2), and nothing is written."""
    built = subprocess.run(
        [sys.executable, str(HERE / "build.py")], capture_output=True, text=True, timeout=60, check=False
    )
    assert built.returncode == 2
    assert "--sources" in built.stderr
