"""Print how long each topic's answer key takes top to bottom, kernel start included (the topic
issues' "under 10 seconds"): what a learner who has answered everything waits for Run All.

    .venv/bin/python benchmarks/notebooks.py [--runs 3] [--limit 10] [TOPIC ...]

Each run starts a new kernel (nbclient), as a learner's Restart and Run All does; the median of
``--runs`` is printed, with the slowest cell, so that a slow notebook says where it is slow.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def run_once(path: Path) -> tuple[float, float, int]:
    """Seconds for the whole notebook, seconds and index of its slowest code cell."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    cells: list[float] = []
    started = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                began = time.perf_counter()
                client.execute_cell(cell, index)
                cells.append(time.perf_counter() - began)
    total = time.perf_counter() - started
    slowest = max(range(len(cells)), key=cells.__getitem__)
    return total, cells[slowest], slowest + 1


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("topics", nargs="*", help="topic folders (default: all)")
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--limit", type=float, default=10.0)
    args = options.parse_args()
    keys = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    if args.topics:
        keys = [key for key in keys if key.parent.name in args.topics]
    over = []
    print(f"{'topic':<28} {'median s':>9} {'slowest cell':>18}")
    for key in keys:
        runs = [run_once(key) for _ in range(args.runs)]
        total = statistics.median(r[0] for r in runs)
        _, cell_seconds, cell_number = max(runs, key=lambda r: r[0])
        print(f"{key.parent.name:<28} {total:9.1f} {cell_seconds:9.1f} (code #{cell_number})")
        if total > args.limit:
            over.append(key.parent.name)
    print(f"over {args.limit:g} s: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
