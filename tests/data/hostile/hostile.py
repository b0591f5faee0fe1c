"""Hostile (and ordinary) submissions, generated from a source notebook with solutions.

``make(kind, source_nb, release_nb)`` returns ``{relative path: bytes}`` for one student's
submission folder. The kinds are listed in ``KINDS``; each docstring line says what the
submission does and what grading must make of it. The functions only edit solution cells and
test cells by ``grade_id``, so they work on tests/data/hostile/source/t01_quick (answers:
greet, order_total, discount) and, where noted, on any assignment.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent

__all__ = ["KINDS", "make", "set_solution", "cell", "build_course", "add_submission"]

NB = "t01_quick.ipynb"


def cell(nb: dict, grade_id: str) -> dict:
    """The cell of a notebook with this grade_id."""
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def set_solution(nb: dict, grade_id: str, code: str) -> dict:
    """A copy of the notebook with one answer cell replaced."""
    nb = copy.deepcopy(nb)
    cell(nb, grade_id)["source"] = code
    return nb


def _dump(nb: dict) -> bytes:
    return json.dumps(nb, ensure_ascii=False, indent=1).encode("utf-8")


# Every kind: (source, release) → files. Expected results for t01_quick (2 + 3 + 5 = 10 points).
def reference(src, rel):
    """The reference solution: 10/10, 完成."""
    return {NB: _dump(src)}


def blank(src, rel):
    """The released notebook untouched: 0/10, 完成."""
    return {NB: _dump(rel)}


def infinite_loop(src, rel):
    """order_total never returns: its test cell times out → 0 for it, the rest counts: 7/10, 超时."""
    return {NB: _dump(set_solution(src, "order_total", "def order_total(prices):\n    while True:\n        pass"))}


def deaf_loop(src, rel):
    """A loop that ignores the interrupt (SIGINT): the kernel is unresponsive → cells before it count: 2/10, 超时."""
    code = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "def order_total(prices):\n    return round(sum(prices), 2)\nwhile True:\n    time.sleep(0.01)")
    return {NB: _dump(set_solution(src, "order_total", code))}


def kernel_crash(src, rel):
    """The discount answer kills its own kernel (os._exit): greet and order_total count: 5/10, 内核崩溃."""
    return {NB: _dump(set_solution(src, "discount", "import os\nos._exit(1)"))}


def edited_test(src, rel):
    """A wrong greet, and the student emptied greet's test and raised its points: restored → 8/10, 完成."""
    nb = set_solution(src, "greet", 'def greet(name):\n    return "hello"')
    test = cell(nb, "test_greet")
    test["source"] = "pass  # 老师看不到"
    test["metadata"]["nbgrader"]["points"] = 100
    return {NB: _dump(nb)}


def deleted_test(src, rel):
    """A wrong greet and greet's test cell deleted: that test earns nothing → 8/10, 完成."""
    nb = set_solution(src, "greet", 'def greet(name):\n    return "hello"')
    nb["cells"].remove(cell(nb, "test_greet"))
    return {NB: _dump(nb)}


def huge_output(src, rel):
    """Prints 200 000 lines and a 2 MB line in an answer cell: output is truncated, 10/10, 完成."""
    code = (cell(src, "greet")["source"] if isinstance(cell(src, "greet")["source"], str)
            else "".join(cell(src, "greet")["source"]))
    code += '\nfor i in range(200_000):\n    print(i)\nprint("长" * 2_000_000)'
    return {NB: _dump(set_solution(src, "greet", code))}


def writes_outside(src, rel):
    """Writes outside its folder (a file in the course root, a line in nbgrader_config.py): 10/10, reported."""
    code = ("import os, pathlib\nhere = pathlib.Path.cwd()\n"
            "open('own_notes.txt', 'w').write('inside my folder')\n"
            "for up in [here, *here.parents]:\n"
            "    if (up / 'nbgrader_config.py').exists():\n"
            "        (up / 'HACKED.txt').write_text('written by a student notebook')\n"
            "        with open(up / 'nbgrader_config.py', 'a') as fh:\n"
            "            fh.write('\\n# a student was here\\n')\n"
            "        break\n"
            + "".join(cell(src, "discount")["source"]))
    return {NB: _dump(set_solution(src, "discount", code))}


def not_json(src, rel):
    """A text file named .ipynb: 0/10, 文件损坏."""
    return {NB: "这不是笔记本，是我的作业说明".encode("utf-8")}


def empty_file(src, rel):
    """An empty .ipynb: 0/10, 文件损坏."""
    return {NB: b""}


def bad_metadata(src, rel):
    """Valid JSON, but the nbgrader metadata of a test cell is broken: 0/10, 文件损坏."""
    nb = copy.deepcopy(src)
    cell(nb, "test_greet")["metadata"]["nbgrader"]["points"] = "很多"
    return {NB: _dump(nb)}


def extra_files(src, rel):
    """The reference plus a data file it reads and a cslab/ package that would shadow ours: 10/10, flagged."""
    code = "".join(cell(src, "order_total")["source"]) + "\nassert open('prices.txt').read() == '1.5,2.5'"
    return {NB: _dump(set_solution(src, "order_total", code)), "prices.txt": b"1.5,2.5",
            "cslab/__init__.py": b"# a student's own cslab package\n"}


def renamed(src, rel):
    """The reference saved under another name: 0/10, 缺少笔记本."""
    return {"t01_quick (1).ipynb": _dump(src)}


def prints_history(src, rel):
    """The reference plus a last cell printing the kernel's input history (hidden tests included): 10/10."""
    nb = copy.deepcopy(src)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": 'print("\\n".join(In))'})
    return {NB: _dump(nb)}


def late(src, rel):
    """The reference with a timestamp after the due date (the test course's late penalty: zero)."""
    return {NB: _dump(src), "timestamp.txt": b"2030-01-02 10:00:00.000000 UTC"}


KINDS = {f.__name__: f for f in (reference, blank, infinite_loop, deaf_loop, kernel_crash, edited_test,
                                 deleted_test, huge_output, writes_outside, not_json, empty_file, bad_metadata,
                                 extra_files, renamed, prints_history, late)}


def make(kind: str, source_nb: dict, release_nb: dict) -> dict[str, bytes]:
    """The files of one submission of the given kind."""
    return KINDS[kind](source_nb, release_nb)


def add_submission(course_root: Path, student: str, files: dict[str, bytes], assignment: str = "t01_quick") -> Path:
    """Write one student's files into submitted/<student>/<assignment>/."""
    folder = Path(course_root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def build_course(root: Path, kinds=(), config: str = "", assignment: str = "t01_quick",
                 duedate: str | None = "2030-01-01 00:00:00 UTC"):
    """A course (``cslab course init``) with ``assignment`` generated and one submission per kind.

    ``assignment`` is t01_quick (from this folder) or one of the course's own assignments.
    ``config`` lines are appended to the course's nbgrader_config.py. Returns (root, source, release).
    """
    from nbgrader.apps import NbGraderAPI

    from cslab.grading import Course, init_course
    from cslab.grading._course import chdir

    root = Path(root)
    init_course(root, out=lambda *a: None)
    if config:
        with open(root / "nbgrader_config.py", "a", encoding="utf-8") as fh:
            fh.write("\n" + config + "\n")
    if assignment == "t01_quick":
        shutil.copytree(HERE / "source" / assignment, root / "source_assignments" / assignment)
    course = Course(root)
    with chdir(root):
        result = NbGraderAPI(config=course.config).generate_assignment(assignment, force=True)
    assert result["success"], result.get("error") or result.get("log")
    if duedate:
        with course.gradebook() as gb:
            gb.update_or_create_assignment(assignment, duedate=duedate)
    nb_name = f"{assignment}.ipynb"
    source = json.loads((root / "source_assignments" / assignment / nb_name).read_text(encoding="utf-8"))
    release = json.loads((root / "release" / assignment / nb_name).read_text(encoding="utf-8"))
    for kind in kinds:
        files = make(kind, source, release)
        if assignment != "t01_quick":
            files = {(nb_name if k == NB else k): v for k, v in files.items()}
        add_submission(root, kind, files, assignment)
    os.environ.setdefault("MPLBACKEND", "Agg")
    return root, source, release
