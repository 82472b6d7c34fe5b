"""Fail when an example in openapi.yaml does not validate against its own schema.

Usage: `python generator/lint_spec_examples.py openapi.yaml` (run by `make lint`). Checks every `example` and
`examples` entry of parameters, headers, request bodies, responses (components/examples via $ref included) and
schemas, with JSON Schema Draft 2020-12 and format assertion (`date-time-local`, `uuid`, ...), and fails for a
components/examples entry nothing uses. Prints the JSON pointer of each bad example.
"""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toloka_contract.spec import parse_spec
from toloka_contract.testing import SpecExample, iter_examples, unused_examples, validator


def example_problems(example: SpecExample, spec: Mapping[str, Any]) -> list[str]:
    """One line per way the example breaks its schema."""
    where = example.pointer if example.via is None else f"{example.pointer} ($ref {example.via})"
    return [
        f"{where}: {error.message} (at value path /{'/'.join(map(str, error.absolute_path))}; "
        f"schema {example.schema_pointer})"
        for error in validator(spec, example.schema).iter_errors(example.value)
    ]


def load_spec(path: Path) -> dict[str, Any]:
    """The OpenAPI document at `path` (any copy of the spec, not only the packaged one)."""
    return parse_spec(path.read_text(encoding="utf-8"))


def lint(path: Path) -> list[str]:
    """All problems of the spec's examples; empty when every example validates."""
    spec = load_spec(path)
    problems = [problem for example in iter_examples(spec) for problem in example_problems(example, spec)]
    unused = "not used by any parameter, header or media type, so no schema checks it"
    problems += [f"{example}: {unused}" for example in unused_examples(spec)]
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: lint_spec_examples.py OPENAPI_YAML", file=sys.stderr)
        return 2
    path = Path(argv[0])
    try:
        problems = lint(path)
    except ValueError as error:  # a dangling $ref or an example the lint cannot read
        problems = [str(error)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{path}: {len(problems)} example problem(s)", file=sys.stderr)
        return 1
    print(f"{path}: {sum(1 for _ in iter_examples(load_spec(path)))} examples validate against their schemas.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
