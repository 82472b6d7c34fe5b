"""Mark every file openapi-python-client wrote as generated, naming the command that rebuilds it.

Run by the generator as a post-hook inside the output directory, before ruff formats the files.
"""

import sys
from pathlib import Path

NOTICE = (
    "Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). "
    "Do not edit: run `make generate`."
)
COMMENT_PREFIX = {".py": "# ", ".toml": "# ", ".gitignore": "# ", ".md": "<!-- "}
COMMENT_SUFFIX = {".md": " -->"}


def stamp(path: Path) -> None:
    kind = path.suffix or path.name
    prefix = COMMENT_PREFIX.get(kind)
    if prefix is None:
        return
    header = f"{prefix}{NOTICE}{COMMENT_SUFFIX.get(kind, '')}\n"
    text = path.read_text(encoding="utf-8")
    if not text.startswith(header):
        path.write_text(header + text, encoding="utf-8")


def main(root: str) -> None:
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            stamp(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
