"""The nbgrader round trip, generic over every assignment in source_assignments/.

For each assignment folder: generate_assignment → the released notebooks hold no
solution and no hidden test → the reference solution (the source notebook, submitted
as is) autogrades to full marks on every auto-graded cell → the blank released
notebook autogrades to zero → feedback is generated → grades export.
Adding an assignment folder is all it takes to have it covered.
"""

from __future__ import annotations

import csv
import re
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source_assignments"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
NBGRADER = [sys.executable, "-m", "nbgrader"]

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _hidden_and_solution_lines(path: Path) -> set[str]:
    """Substantive lines that sit between solution or hidden-test markers in a source notebook."""
    lines: set[str] = set()
    for cell in _cells(path):
        inside = False
        for line in _source(cell).splitlines():
            stripped = line.strip()
            if "BEGIN SOLUTION" in stripped or "BEGIN HIDDEN TESTS" in stripped:
                inside = True
                continue
            if "END SOLUTION" in stripped or "END HIDDEN TESTS" in stripped:
                inside = False
                continue
            if inside and len(stripped) > 12 and not stripped.startswith("#"):
                lines.add(stripped)
    return lines


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # nbgrader runs `alembic` from PATH: put this environment's scripts first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = dict(os.environ, PATH=path, PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    done = subprocess.run(NBGRADER + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A throw-away course folder with the repository's config and assignments."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(SOURCE, tmp_path / "source_assignments")
    return tmp_path


def test_every_assignment_has_graded_cells():
    """Every assignment folder has at least one auto-graded test cell with points."""
    assert ASSIGNMENTS, "source_assignments/ holds no assignment"
    for aid in ASSIGNMENTS:
        points = 0
        for nb in (SOURCE / aid).glob("*.ipynb"):
            for cell in _cells(nb):
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if meta.get("grade") and not meta.get("solution"):
                    points += meta.get("points", 0)
        assert points > 0, f"{aid} has no auto-graded test cell"


@pytest.mark.slow
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_round_trip(course: Path, aid: str):
    """generate → release is clean → solution gets full marks, blank gets zero → feedback → export."""
    _run(["generate_assignment", aid, "--force"], course)

    released = course / "release" / aid
    for nb in (SOURCE / aid).glob("*.ipynb"):
        out = released / nb.name
        assert out.exists(), f"{nb.name} was not released"
        text = out.read_text(encoding="utf-8")
        for marker in MARKERS:
            assert marker not in text, f"{aid}/{nb.name}: released notebook still contains {marker}"
        leaked = [line for line in _hidden_and_solution_lines(nb) if line in text]
        assert not leaked, f"{aid}/{nb.name}: released notebook leaks {leaked[:3]}"

    # Submissions: the reference solution (source as is) and the untouched released notebook.
    for student, origin in (("ref", SOURCE / aid), ("blank", released)):
        dest = course / "submitted" / student / aid
        dest.mkdir(parents=True)
        for nb in origin.glob("*.ipynb"):
            shutil.copy(nb, dest / nb.name)
    _run(["autograde", aid, "--create", "--force"], course)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        ref = gb.find_submission(aid, "ref")
        blank = gb.find_submission(aid, "blank")
        assert ref.max_score > 0
        for nb in ref.notebooks:
            for grade in nb.grades:
                if grade.auto_score is not None:
                    assert grade.auto_score == grade.max_score, (
                        f"{aid}: reference solution lost points on {grade.name}"
                    )
        assert ref.score == ref.max_score, f"{aid}: reference solution scored {ref.score}/{ref.max_score}"
        assert blank.score == 0, f"{aid}: blank notebook scored {blank.score}"

    _run(["generate_feedback", aid, "--force"], course)
    for student, expect in (("ref", "full"), ("blank", "zero")):
        pages = list((course / "feedback" / student / aid).glob("*.html"))
        assert len(pages) == len(list((SOURCE / aid).glob("*.ipynb"))), f"feedback missing for {student}"
        for page in pages:
            text = page.read_text(encoding="utf-8")
            match = re.search(r"Score: ([0-9.]+) / ([0-9.]+)\)</h4>", text)
            assert match, f"{page.name}: feedback shows no total score"
            got, top = map(float, match.groups())
            assert (got == top > 0) if expect == "full" else (got == 0 < top), f"{student}: {got}/{top}"

    _run(["export", "--to", "grades.csv"], course)
    with open(course / "grades.csv", encoding="utf-8") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh) if row["assignment"] == aid}
    assert float(rows["ref"]["score"]) == float(rows["ref"]["max_score"]) > 0
    assert float(rows["blank"]["score"]) == 0
