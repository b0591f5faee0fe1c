"""`cslab grade` against `nbgrader autograde` on the same synthetic class; prints both and checks scores.

Builds a throw-away course with a01_product_lookup, writes N submissions (the reference solution
with a different subset of the five answers blanked back to the released stub, so scores vary),
copies the course twice, and grades one copy with each tool, each run as a teacher would run it
(a fresh command, start-up included). Then every grade (student × grade_id) of both gradebooks
must be identical.

Run: python benchmarks/grading_speed.py [--n 60] [--workers N]   (goal on 2 cores: ≥ 1.7× throughput)

The ratio needs both cores for cslab: other work on the machine slows cslab's parallel run more
than nbgrader's sequential one, so the CPU seconds and load averages are printed alongside.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AID = "a01_product_lookup"
ANSWERS = ("product_facts", "stock_reply", "recommend", "category_table", "suggest_size")


def _env() -> dict:
    # nbgrader runs `alembic` from PATH; kernels must find this environment's python
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return dict(os.environ, PATH=path, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")


def build(base: Path, n: int) -> None:
    """A course with a01 generated and n submissions whose answers are blanked by pattern."""
    from nbgrader.apps import NbGraderAPI

    from cslab.grading import init_course
    from cslab.grading._course import chdir

    course = init_course(base, out=lambda *a: None)
    with chdir(base):
        result = NbGraderAPI(config=course.config).generate_assignment(AID, force=True)
    if not result["success"]:
        raise SystemExit(result.get("error") or result.get("log"))
    source = json.loads((base / "source_assignments" / AID / f"{AID}.ipynb").read_text(encoding="utf-8"))
    release = json.loads((base / "release" / AID / f"{AID}.ipynb").read_text(encoding="utf-8"))
    stubs = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in release["cells"]
             if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    for i in range(n):
        nb = json.loads(json.dumps(source))
        blanked = {a for bit, a in enumerate(ANSWERS) if (i * 7 + 3) >> bit & 1} if i % 5 else set()
        for cell in nb["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in blanked:
                cell["source"] = stubs[gid]
        folder = base / "submitted" / f"2024{i + 1:04d}" / AID
        folder.mkdir(parents=True)
        (folder / f"{AID}.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def grades(db: Path) -> dict:
    query = """select sa.student_id, bc.name, g.auto_score from grade g
               join submitted_notebook sn on g.notebook_id = sn.id
               join submitted_assignment sa on sn.assignment_id = sa.id
               join base_cell bc on g.cell_id = bc.id"""
    with sqlite3.connect(db) as conn:
        return {(s, c): score for s, c, score in conn.execute(query)}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds of the command and its children, and the 1-minute load average after."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return elapsed, cpu, os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="submissions (default 60)")
    parser.add_argument("--workers", type=int, default=None, help="cslab grade --workers (default: cores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cslab-bench-") as tmp:
        base = Path(tmp) / "course"
        t0 = time.perf_counter()
        build(base, args.n)
        print(f"course with {args.n} submissions of {AID} built in {time.perf_counter() - t0:.1f} s")
        nbg, csl = Path(tmp) / "nbgrader", Path(tmp) / "cslab"
        shutil.copytree(base, nbg)
        shutil.copytree(base, csl)
        t_nbg, cpu_nbg, load_nbg = timed([sys.executable, "-m", "nbgrader", "autograde", AID], nbg)
        cmd = [sys.executable, "-m", "cslab.cli", "grade", AID]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        t_csl, cpu_csl, load_csl = timed(cmd, csl)
        a, b = grades(nbg / "gradebook.db"), grades(csl / "gradebook.db")
        differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        totals: dict[str, float] = {}
        for (student, _), score in b.items():
            totals[student] = totals.get(student, 0.0) + (score or 0.0)
        print(f"cores: {os.cpu_count()}, cslab workers: {args.workers or os.cpu_count()}, "
              f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
        print(f"nbgrader autograde : {t_nbg:7.1f} s  ({t_nbg / args.n:.2f} s per submission, start-up included; "
              f"CPU {cpu_nbg:.0f} s; load average after {load_nbg:.2f})")
        print(f"cslab grade        : {t_csl:7.1f} s  ({t_csl / args.n:.2f} s per submission, start-up included; "
              f"CPU {cpu_csl:.0f} s; load average after {load_csl:.2f})")
        print(f"throughput ratio   : {t_nbg / t_csl:.2f}x  (goal ≥ 1.7x on 2 cores)")
        print(f"scores             : {len(a)} grades compared, {len(differ)} differ; "
              f"totals from {min(totals.values()):g} to {max(totals.values()):g} of 20, "
              f"{len(set(totals.values()))} distinct")
        if differ:
            for key in differ[:10]:
                print(f"  DIFFERENT {key}: nbgrader {a.get(key)} / cslab {b.get(key)}")
            raise SystemExit(1)


if __name__ == "__main__":
    main()
