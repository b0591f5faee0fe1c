"""The nbgrader round trip, generic over every assignment in source_assignments/.

For each assignment folder: generate_assignment → the released notebooks hold no
solution and no hidden test → the reference solution (the source notebook, submitted
as is) autogrades to full marks on every auto-graded cell → the blank released
notebook autogrades to zero → cslab feedback shows the totals but no hidden test line,
no hidden input or message and (for the blank) no solution → grades export.
Adding an assignment folder is all it takes to have it covered.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import textwrap
import tokenize
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


def _hidden_and_solution_lines(path: Path, hidden_only: bool = False) -> set[str]:
    """Substantive lines found only between hidden-test (and, unless ``hidden_only``, solution) markers."""
    secret: set[str] = set()
    shown: set[str] = set()
    opening = ("BEGIN HIDDEN TESTS",) if hidden_only else ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS")
    for cell in _cells(path):
        inside = False
        for line in _source(cell).splitlines():
            stripped = line.strip()
            if "BEGIN SOLUTION" in stripped or "BEGIN HIDDEN TESTS" in stripped:
                inside = any(m in stripped for m in opening)
                continue
            if "END SOLUTION" in stripped or "END HIDDEN TESTS" in stripped:
                inside = False
                continue
            if len(stripped) > 12 and not stripped.startswith("#"):
                (secret if inside else shown).add(stripped)
    return secret - shown


def _hidden_messages(path: Path) -> set[str]:
    """String literals (inputs, assertion messages) of hidden tests that appear nowhere else."""
    blocks, visible = [], []
    for cell in _cells(path):
        inside, hidden = False, []
        for line in _source(cell).splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            else:
                (hidden if inside else visible).append(line)
        if hidden:
            blocks.append(textwrap.dedent("\n".join(hidden)))
    shown = "\n".join(visible)
    found = set()
    for block in blocks:
        for tok in tokenize.generate_tokens(io.StringIO(block + "\n").readline):
            if tok.type != tokenize.STRING or tok.string.lstrip("rbuRBU").startswith(("f", "F")):
                continue
            value = ast.literal_eval(tok.string)
            # identifiers ("farewell", an intent's name) are labels the notebook shows anyway
            if isinstance(value, str) and len(value.strip()) >= 8 and not value.isidentifier() \
                    and value not in shown:
                found.add(value)
    return found


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
        text = "\n".join(_source(cell) for cell in _cells(out))
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

    # Feedback as students get it: cslab's, which must show totals but no hidden test or its messages.
    from cslab.grading import generate_feedback
    from cslab.grading._feedback import page_text

    generate_feedback(aid, course, out=lambda *_: None)
    for student, expect in (("ref", "full"), ("blank", "zero")):
        pages = list((course / "feedback" / student / aid).glob("*.html"))
        assert len(pages) == len(list((SOURCE / aid).glob("*.ipynb"))), f"feedback missing for {student}"
        for page in pages:
            text = page_text(page.read_text(encoding="utf-8"))
            match = re.search(r"得分：([0-9.]+) / ([0-9.]+)", text)
            assert match, f"{page.name}: feedback shows no total score"
            got, top = map(float, match.groups())
            assert (got == top > 0) if expect == "full" else (got == 0 < top), f"{student}: {got}/{top}"
            source = SOURCE / aid / f"{page.stem}.ipynb"
            secret = _hidden_and_solution_lines(source, hidden_only=student == "ref")
            leaked = [line for line in secret if line in text]
            assert not leaked, f"{aid}: {student}'s feedback {page.name} shows {leaked[:3]}"
            messages = _hidden_messages(source) if student == "blank" else set()
            leaked = [m for m in messages if m in text]
            assert not leaked, f"{aid}: {student}'s feedback {page.name} shows hidden messages {leaked[:3]}"

    _run(["export", "--to", "grades.csv"], course)
    with open(course / "grades.csv", encoding="utf-8") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh) if row["assignment"] == aid}
    assert float(rows["ref"]["score"]) == float(rows["ref"]["max_score"]) > 0
    assert float(rows["blank"]["score"]) == 0
