"""Run every benchmark (or those named on the command line) and print one table."""

import argparse
import importlib
import sys

from bench.table import Row, render

# Each module exposes `run(quick: bool) -> list[Row]`.
BENCHMARKS = (
    "bench.emulator",
    "bench.fixtures",
    "bench.upload",
    "bench.pace",
    "bench.conformance",
    "bench.conformance_real",
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        help="benchmarks to run (emulator, fixtures, upload, pace, conformance, conformance_real); all by default",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    wanted = [f"bench.{name}" for name in args.names] or list(BENCHMARKS)
    rows: list[Row] = []
    for module_name in wanted:
        module = importlib.import_module(module_name)
        print(f"running {module_name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(quick=args.quick))
    print(render(rows, "make bench" if not sys.argv[1:] else "python -m bench " + " ".join(sys.argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
