"""Extractors: read a payload out of a source file exactly as written there.

- python_value: evaluates a Python expression of a toloka-kit test (dict/list literals, fixture names, `**` spreads,
  slices, dedent, Decimal), resolving names to the test's own local assignments or to pytest fixtures.
- groovy_value: evaluates a Groovy map/list literal of a Java SDK spec (method calls of the same class, `+` merge,
  `*:` spread, local `def x = ...` of the named feature method).
- markdown_json: the n-th ```json block of a Markdown page.
Every expression given as text must occur verbatim (whitespace-normalised) in the source file.
"""

from __future__ import annotations

import ast
import gzip
import io
import json
import re
import subprocess
import tarfile
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any


class Sources:
    """The source repositories: a directory holding `<owner>+<name>` for each, or an archive `--vendor` wrote.

    In a directory each is a clone or a bare git directory (or a directory holding one as `repo`), read at the
    pinned commits with `git show`. In an archive (`.tar.gz`) each file is `<owner>+<name>/<commit>/<path>`.
    Any clone works: the commits are pinned. Every file read is kept in `read`, for `--vendor`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.read: dict[tuple[str, str, str], str] = {}
        self._archive: dict[str, str] | None = None
        if root.is_file():
            with tarfile.open(root, "r:gz") as archive:
                self._archive = {
                    member.name: archive.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
                    for member in archive.getmembers()
                    if member.isfile()
                }

    def show(self, repo: str, commit: str, path: str) -> str:
        """The file `path` of `repo` at `commit`, as git stores it."""
        name = f"{repo.replace('/', '+')}/{commit}/{path}"
        if self._archive is not None:
            if name not in self._archive:
                raise FileNotFoundError(f"{self.root}: no {name}")
            text = self._archive[name]
        else:
            base = self.root / repo.replace("/", "+")
            git_dir = base / "repo" if (base / "repo").exists() else base
            text = subprocess.run(
                ["git", "-C", str(git_dir), "show", f"{commit}:{path}"], check=True, capture_output=True, text=True
            ).stdout
        self.read[repo, commit, path] = text
        return text

    def vendor(self, archive: Path, also: list[tuple[str, str, str]]) -> None:
        """Write the files read so far (and `also`, e.g. the licences) as a reproducible `.tar.gz` archive."""
        for repo, commit, path in also:
            self.show(repo, commit, path)
        with (
            archive.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
            tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            for (repo, commit, path), text in sorted(self.read.items()):
                data = text.encode("utf-8")
                info = tarfile.TarInfo(f"{repo.replace('/', '+')}/{commit}/{path}")
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_in_source(expr: str, source: str) -> None:
    if _norm(expr) not in _norm(source):
        raise AssertionError(f"expression not found verbatim in source: {expr!r}")


# ---- Python (toloka-kit) -------------------------------------------------------------------------------


class PyEnv:
    def __init__(self, sources: list[str]) -> None:
        # later sources win (the test file after its conftests)
        self.fixtures: dict[str, ast.FunctionDef] = {}
        self.sources = sources
        for src in sources:
            tree = ast.parse(src)
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    self.fixtures[node.name] = node
        self.cache: dict[str, Any] = {}

    def fixture(self, name: str) -> Any:
        if name in self.cache:
            return self.cache[name]
        fn = self.fixtures[name]
        returns = [n for n in fn.body if isinstance(n, ast.Return)]
        if len(returns) != 1 or len(fn.body) != 1:
            raise ValueError(f"fixture {name} is not a single return statement")
        value = self.eval(returns[0].value, {})
        self.cache[name] = value
        return value

    def local(self, test: str, var: str) -> ast.expr:
        fn = self.fixtures[test]
        found = [
            n.value
            for n in ast.walk(fn)
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in n.targets)
        ]
        if len(found) != 1:
            raise ValueError(f"{test}: {len(found)} assignments to {var}")
        return found[0]

    def eval(self, node: ast.expr | None, scope: dict[str, Any]) -> Any:
        if node is None:
            raise ValueError("empty expression")
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    out.update(self.eval(value, scope))
                else:
                    out[self.eval(key, scope)] = self.eval(value, scope)
            return out
        if isinstance(node, ast.List | ast.Tuple):
            return [self.eval(e, scope) for e in node.elts]
        if isinstance(node, ast.Name):
            if node.id in scope:
                return scope[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            return self.fixture(node.id)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            seq = self.eval(node.value, scope)
            lower = self.eval(node.slice.lower, scope) if node.slice.lower else None
            upper = self.eval(node.slice.upper, scope) if node.slice.upper else None
            return seq[lower:upper]
        if isinstance(node, ast.Subscript):
            return self.eval(node.value, scope)[self.eval(node.slice, scope)]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.eval(node.operand, scope)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dedent":
            return textwrap.dedent(self.eval(node.args[0], scope))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal":
            return Decimal(self.eval(node.args[0], scope))
        raise ValueError(f"unsupported Python node {ast.dump(node)[:120]}")


def python_value(sources: list[str], expr: str, test: str | None = None, bind: dict[str, str] | None = None) -> Any:
    """Evaluate `expr` (text copied from the test file) with fixtures and the test's locals in scope."""
    env = PyEnv(sources)
    assert_in_source(expr, sources[-1] if test else "\n".join(sources))
    scope: dict[str, Any] = {}
    for name, text in (bind or {}).items():
        assert_in_source(text, sources[-1])
        scope[name] = env.eval(ast.parse(text, mode="eval").body, scope)
    tree = ast.parse(expr, mode="eval").body
    if test is not None:
        # names assigned in the test body, evaluated lazily in order of need
        fn = env.fixtures[test]
        assigned = {
            t.id for n in ast.walk(fn) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
        }
        for name in sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}):
            if name in assigned and name not in scope:
                scope[name] = env.eval(env.local(test, name), scope)
    return env.eval(tree, scope)


# ---- Groovy (Java SDK) ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'''\s*(?:(?P<tq>"""(?:\\.|[^\\])*?""")|(?P<sq>'(?:\\.|[^'\\])*')|(?P<dq>"(?:\\.|[^"\\])*")'''
    r"""|(?P<num>-?\d[\d_]*(?:\.\d+)?[LlGg]?)|(?P<id>[A-Za-z_]\w*)|(?P<op>[\[\]{}(),:+*]))""",
    re.S,
)

_ESCAPES = {"n": "\n", "t": "\t", "'": "'", '"': '"', "\\": "\\", "r": "\r", "$": "$"}


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], body, flags=re.S)


class Groovy:
    def __init__(self, source: str) -> None:
        self.source = source

    def method_body(self, name: str) -> int:
        match = re.search(rf"(?:static\s+)?def\s+{re.escape(name)}\s*\(\s*\)\s*\{{\s*(?:return\s+)?", self.source)
        if match is None:
            raise ValueError(f"no method {name}")
        return match.end()

    def feature_local(self, feature: str, var: str) -> int:
        start = self.source.index(f'def "{feature}"()')
        match = re.compile(rf"def\s+{re.escape(var)}\s*=\s*").search(self.source, start)
        if match is None:
            raise ValueError(f"no local {var} in {feature}")
        return match.end()

    def parse_at(self, pos: int, scope: dict[str, Any]) -> Any:
        value, _ = self._expr(pos, scope)
        return value

    def _tok(self, pos: int) -> tuple[str, str, int]:
        match = _TOKEN.match(self.source, pos)
        if match is None and not self.source[pos:].strip():
            return "eof", "", len(self.source)
        if match is None:
            raise ValueError(f"cannot tokenize at {self.source[pos : pos + 40]!r}")
        kind = match.lastgroup or ""
        return kind, match.group(kind), match.end()

    def _expr(self, pos: int, scope: dict[str, Any]) -> tuple[Any, int]:
        value, pos = self._primary(pos, scope)
        while True:
            kind, text, after = self._tok(pos)
            if kind == "op" and text == "+":
                right, pos = self._primary(after, scope)
                if not (isinstance(value, dict) and isinstance(right, dict)):
                    raise ValueError("only map + map is supported")
                value = {**value, **right}
                continue
            return value, pos

    def _primary(self, pos: int, scope: dict[str, Any]) -> tuple[Any, int]:
        kind, text, pos = self._tok(pos)
        if kind == "tq":
            body = text[3:-3]
            if "${" in body:
                raise ValueError("GString interpolation")
            return _unescape(body), pos
        if kind in ("sq", "dq"):
            body = text[1:-1]
            if kind == "dq" and "${" in body:
                raise ValueError("GString interpolation")
            return _unescape(body), pos
        if kind == "num":
            digits = text.replace("_", "").rstrip("LlGg")
            return (float(digits) if "." in digits else int(digits)), pos
        if kind == "id":
            if text in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[text], pos
            k2, t2, after = self._tok(pos)
            if k2 == "op" and t2 == "(":
                k3, t3, after3 = self._tok(after)
                if not (k3 == "op" and t3 == ")"):
                    raise ValueError("calls with arguments are not supported")
                return self.parse_at(self.method_body(text), {}), after3
            if text in scope:
                return scope[text], pos
            raise ValueError(f"unknown name {text}")
        if kind == "op" and text == "{":
            k2, t2, after = self._tok(pos)
            if k2 == "op" and t2 == "}":
                return {}, after  # an empty closure: JsonBuilder writes {}
            raise ValueError("non-empty closure")
        if kind == "op" and text == "[":
            return self._collection(pos, scope)
        raise ValueError(f"unexpected token {text!r}")

    def _collection(self, pos: int, scope: dict[str, Any]) -> tuple[Any, int]:
        kind, text, after = self._tok(pos)
        if kind == "op" and text == ":":
            k2, t2, after2 = self._tok(after)
            assert t2 == "]"
            return {}, after2
        if kind == "op" and text == "]":
            return [], after
        # map if the first element is `key :` or `*:`
        is_map = False
        if kind == "op" and text == "*":
            is_map = True
        elif kind in ("id", "sq", "dq", "num"):
            k2, t2, _ = self._tok(after)
            is_map = k2 == "op" and t2 == ":"
        items_map: dict[str, Any] = {}
        items_list: list[Any] = []
        while True:
            kind, text, after = self._tok(pos)
            if kind == "op" and text == "]":
                return (items_map if is_map else items_list), after
            if is_map:
                if kind == "op" and text == "*":
                    _, colon, after = self._tok(after)
                    assert colon == ":"
                    value, pos = self._expr(after, scope)
                    items_map.update(value)
                else:
                    key = text if kind in ("id", "num") else _unescape(text[1:-1])
                    _, colon, after = self._tok(after)
                    assert colon == ":", colon
                    value, pos = self._expr(after, scope)
                    items_map[key] = value
            else:
                value, pos = self._expr(pos, scope)
                items_list.append(value)
            kind, text, after = self._tok(pos)
            if kind == "op" and text == ",":
                pos = after
                continue
            if kind == "op" and text == "]":
                continue
            raise ValueError(f"expected , or ] got {text!r}")


def groovy_value(
    source: str,
    *,
    method: str | None = None,
    feature: str | None = None,
    var: str | None = None,
    expr: str | None = None,
) -> Any:
    g = Groovy(source)
    if method is not None:
        return g.parse_at(g.method_body(method), {})
    assert feature is not None
    scope: dict[str, Any] = {}
    if var is not None:
        scope[var] = g.parse_at(g.feature_local(feature, var), {})
        if expr is None:
            return scope[var]
    assert expr is not None
    assert_in_source(expr, source)
    value, _ = _GroovyExpr(g, expr).parse(scope)
    return value


class _GroovyExpr(Groovy):
    """An expression text whose method calls resolve in the file."""

    def __init__(self, file: Groovy, expr: str) -> None:
        super().__init__(expr)
        self.file = file

    def parse(self, scope: dict[str, Any]) -> tuple[Any, int]:
        return self._expr(0, scope)

    def _primary(self, pos: int, scope: dict[str, Any]) -> tuple[Any, int]:
        kind, text, after = self._tok(pos)
        if kind == "id" and text not in ("true", "false", "null") and text not in scope:
            k2, t2, after2 = self._tok(after)
            if k2 == "op" and t2 == "(":
                _, t3, after3 = self._tok(after2)
                assert t3 == ")"
                return self.file.parse_at(self.file.method_body(text), {}), after3
        return super()._primary(pos, scope)


# ---- Markdown (old docs pages) -------------------------------------------------------------------------


def markdown_blocks(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, content) of every ```json block, 1-based line numbers of the fences."""
    lines = text.split("\n")
    blocks = []
    start = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if start is None and stripped == "```json":
            start = number
        elif start is not None and stripped == "```":
            blocks.append((start, number, textwrap.dedent("\n".join(lines[start : number - 1]))))
            start = None
    return blocks


def json_text(text: str) -> Any:
    return json.loads(text)
