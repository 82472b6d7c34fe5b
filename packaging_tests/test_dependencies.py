"""Each package's runtime dependencies are exactly what its code imports, as ranges; test tools stay out.

Reads each member's pyproject.toml and walks its package's modules (the files its wheel ships). An import under
`if TYPE_CHECKING:` is not a runtime import; one inside `try: ... except ImportError` must belong to an extra.
"""

from __future__ import annotations

import ast
import importlib.resources
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# member directory -> its import package
MEMBERS = {
    "contract": "toloka_contract",
    "generated_client": "toloka_client",
    "reference_server": "toloka_emulator",
    "upload": "toloka_upload",
    "contract_tests": "toloka_conformance",
}
# Distribution names whose import name differs from the normalized distribution name.
IMPORT_NAMES = {"pyyaml": "yaml", "jsonschema-rs": "jsonschema_rs", "openapi-core": "openapi_core"}
# Declared though not imported by the member's own code: each with the package file that imports it (the reason is
# written beside the declaration in the member's pyproject.toml).
DECLARED_FOR = {"upload": {"sniffio": ("httpcore", "_synchronization.py")}}
TEST_TOOLS = {"pytest", "pytest-asyncio", "openapi-core", "werkzeug", "hypothesis", "mypy", "ruff"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def _project(member: str) -> dict[str, Any]:
    with (REPO / member / "pyproject.toml").open("rb") as file:
        project: dict[str, Any] = tomllib.load(file)["project"]
    return project


def _name(requirement: str) -> str:
    match = NAME.match(requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


def _import_name(distribution: str) -> str:
    return IMPORT_NAMES.get(distribution, distribution.replace("-", "_"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _guards_import_error(node: ast.Try) -> bool:
    names = []
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names += [kind.id for kind in kinds if isinstance(kind, ast.Name)]
    return bool({"ImportError", "ModuleNotFoundError"} & set(names))


def _imports(tree: ast.AST, optional: bool = False) -> set[tuple[str, bool]]:
    """(top-level module, optional?) for every import, skipping TYPE_CHECKING blocks."""
    found: set[tuple[str, bool]] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            found |= {item for child in node.orelse for item in _imports(ast.Module([child], []), optional)}
            continue
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], optional) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], optional))
        elif isinstance(node, ast.Try) and _guards_import_error(node):
            found |= {item for child in node.body for item in _imports(ast.Module([child], []), True)}
            rest = [*(child for handler in node.handlers for child in handler.body), *node.orelse, *node.finalbody]
            found |= {item for child in rest for item in _imports(ast.Module([child], []), optional)}
            continue
        found |= _imports(node, optional)
    return found


def _third_party_imports(member: str) -> tuple[set[str], set[str]]:
    """(imports needed at run time, imports the code guards with ImportError) of a member's package."""
    package = MEMBERS[member]
    required: set[str] = set()
    guarded: set[str] = set()
    for path in (REPO / member / package).rglob("*.py"):
        for module, optional in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if module in sys.stdlib_module_names or module in ("__future__", package):
                continue
            (guarded if optional else required).add(module)
    return required, guarded - required


@pytest.mark.parametrize("member", sorted(MEMBERS))
def test_runtime_dependencies_are_exactly_the_imports(member: str) -> None:
    project = _project(member)
    declared = {_import_name(_name(requirement)) for requirement in project.get("dependencies", [])}
    extras = {
        _import_name(_name(requirement))
        for requirements in project.get("optional-dependencies", {}).values()
        for requirement in requirements
    }
    required, guarded = _third_party_imports(member)
    required |= set(DECLARED_FOR.get(member, {}))
    assert required == declared, f"{member}: imports {sorted(required)}, declares {sorted(declared)}"
    assert guarded <= extras | declared, f"{member}: optional imports {sorted(guarded)} not in an extra"


@pytest.mark.parametrize(("member", "module"), [(m, d) for m, deps in DECLARED_FOR.items() for d in deps])
def test_a_dependency_declared_for_another_package_is_still_imported_there(member: str, module: str) -> None:
    importer, file = DECLARED_FOR[member][module]
    source = importlib.resources.files(importer) / file
    assert f"import {module}" in source.read_text(encoding="utf-8"), f"{importer} no longer imports {module}"


@pytest.mark.parametrize("member", sorted(MEMBERS))
def test_dependencies_are_ranges_and_no_test_tool(member: str) -> None:
    project = _project(member)
    requirements = [*project.get("dependencies", [])]
    for group in project.get("optional-dependencies", {}).values():
        requirements += group
    assert [r for r in requirements if "==" in r] == [], "exact pins belong in uv.lock"
    assert [r for r in project.get("dependencies", []) if _name(r) in TEST_TOOLS] == []


def test_the_emulator_is_the_suites_embedded_extra() -> None:
    suite = _project("contract_tests")
    assert [_name(r) for r in suite["optional-dependencies"]["embedded"]] == ["toloka-emulator"]
    assert "toloka-emulator" not in {_name(r) for r in suite["dependencies"]}
