"""Print the cost of `import cslab` above a bare interpreter, and what it pulls in.

Run: python benchmarks/import_time.py   (budget: <= 0.3 s above a bare interpreter)
"""

import statistics
import subprocess
import sys
import time

RUNS = 15
HEAVY = ("pandas", "numpy", "matplotlib", "ipywidgets", "nbgrader", "rjieba", "jieba", "yaml", "IPython")


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    wall("import cslab")  # warm the file cache and bytecode
    bare = statistics.median(wall("pass") for _ in range(RUNS))
    with_cslab = statistics.median(wall("import cslab") for _ in range(RUNS))
    loaded = subprocess.run(
        [sys.executable, "-c", "import cslab, sys; print(' '.join(sorted(sys.modules)))"],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    heavy = sorted({m.split(".")[0] for m in loaded} & set(HEAVY))
    print(f"bare interpreter      : {bare * 1000:7.1f} ms (median of {RUNS})")
    print(f"python -c 'import cslab': {with_cslab * 1000:7.1f} ms")
    print(f"import cslab costs    : {(with_cslab - bare) * 1000:7.1f} ms above bare (budget 300 ms)")
    print(f"modules loaded        : {len(loaded)}; heavy ones: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
