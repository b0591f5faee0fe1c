"""An nbgrader course folder as cslab sees it: config, gradebook, logs, and ``course init``."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
from functools import cached_property
from pathlib import Path

from ..errors import CslabError, InputError
from . import _roster

__all__ = ["Course", "CourseError", "bundled_course_dir", "init_course", "import_students", "chdir"]

#: a course id nbgrader can use as a folder name in the exchange
_COURSE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")

#: where cslab keeps its own state inside a course (ignored by nbgrader's default config)
STATE_DIR = ".cslab"

_GITIGNORE = """\
# nbgrader and cslab course state: student work and grades stay out of git
gradebook.db
release/
submitted/
autograded/
feedback/
exports/
reports/
.cslab/
"""


class CourseError(CslabError):
    """The folder is not a usable course (no config, unknown assignment …)."""


@contextlib.contextmanager
def chdir(path):
    """Work inside ``path`` for a while (nbgrader reads its config from the working folder)."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def bundled_course_dir() -> Path:
    """The folder holding the course's nbgrader_config.py and source_assignments/.

    Inside an installed wheel they sit in ``cslab/_course/``; in the repository, at its root.

    >>> (bundled_course_dir() / "nbgrader_config.py").is_file()
    True
    """
    package = Path(__file__).resolve().parents[1]
    bundled = package / "_course"
    if (bundled / "nbgrader_config.py").is_file():
        return bundled
    return package.parent


def _ensure_alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` script from PATH when it creates a gradebook: find ours."""
    scripts = os.path.dirname(sys.executable)
    if shutil.which("alembic") is None and os.path.isfile(os.path.join(scripts, "alembic")):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])


class Course:
    """An nbgrader course folder: nbgrader's own configuration, loaded as nbgrader loads it."""

    def __init__(self, root="."):
        _ensure_alembic_on_path()
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise CourseError(f"找不到课程目录 {self.root}。")
        if not (self.root / "nbgrader_config.py").is_file():
            raise CourseError(
                f"{self.root} 不是课程目录（没有 nbgrader_config.py）。"
                f"请在课程目录里运行，或用 --course 指定；新建课程：cslab course init 目录名")

    # -- nbgrader -----------------------------------------------------------------------------
    @cached_property
    def app(self):
        """nbgrader's AutogradeApp, initialised in the course folder (config exactly as nbgrader reads it)."""
        from nbgrader.apps.autogradeapp import AutogradeApp

        with chdir(self.root):
            app = AutogradeApp(log_level=logging.ERROR)  # quiet until our log file is attached
            try:
                app.initialize([])
            except SystemExit as exc:  # traitlets exits on a broken config file
                raise CourseError(f"nbgrader_config.py 有错误，nbgrader 无法读取它（{exc}）。") from None
            except Exception as exc:
                raise CourseError(f"nbgrader_config.py 有错误：{type(exc).__name__}: {exc}") from None
        app.log_level = logging.INFO  # (re)configures traitlets' console handler: replace it after
        self._attach_log(app.log)
        return app

    @property
    def coursedir(self):
        return self.app.coursedir

    @property
    def config(self):
        return self.app.config

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    def gradebook(self):
        """A new nbgrader Gradebook on the course database (created when missing)."""
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, self.course_id)

    def path(self, step: str, student_id: str = ".", assignment_id: str = ".") -> Path:
        """A course path laid out as nbgrader lays it out, e.g. ``path("submitted", "2023001", "a01")``."""
        directory = getattr(self.coursedir, f"{step}_directory", step)
        return Path(self.coursedir.format_path(directory, student_id, assignment_id))

    # -- cslab's own state ---------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        path = self.root / STATE_DIR
        path.mkdir(exist_ok=True)
        return path

    @property
    def log_path(self) -> Path:
        logs = self.state_dir / "logs"
        logs.mkdir(exist_ok=True)
        return logs / "cslab.log"

    def _attach_log(self, log: logging.Logger) -> None:
        """Send nbgrader's English log to .cslab/logs/cslab.log instead of the teacher's screen."""
        for handler in list(log.handlers):
            log.removeHandler(handler)
        handler = logging.FileHandler(self.log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s | %(levelname)s] %(message)s"))
        log.addHandler(handler)
        log.propagate = False

    # -- look-ups ----------------------------------------------------------------------------
    def assignment_info(self, assignment_id: str) -> dict:
        """Notebook names and maximum score of an assignment in the gradebook; a Chinese error if absent."""
        from nbgrader.api import MissingEntry

        with self.gradebook() as gb:
            try:
                assignment = gb.find_assignment(assignment_id)
            except MissingEntry:
                known = ", ".join(a.name for a in gb.assignments) or "（还没有）"
                raise CourseError(
                    f"成绩库里没有作业 {assignment_id}（已登记：{known}）。"
                    f"请先运行 nbgrader generate_assignment {assignment_id} 生成学生版，再收作业评分。"
                ) from None
            notebooks = [nb.name for nb in assignment.notebooks]
            if not notebooks:
                raise CourseError(f"作业 {assignment_id} 没有登记任何笔记本：请重新运行 "
                                  f"nbgrader generate_assignment {assignment_id} --force。")
            return {"notebooks": notebooks, "max_score": float(assignment.max_score)}

    def student_names(self) -> dict[str, str]:
        """学号 → name for every student in the gradebook."""
        with self.gradebook() as gb:
            return {s.id: _roster.display_name(s.first_name, s.last_name) for s in gb.students}


def import_students(course: Course, students: list[_roster.Student]) -> tuple[int, int]:
    """Add or update students in the gradebook in one transaction; returns (added, updated)."""
    from nbgrader.api import MissingEntry

    from ._tx import transaction

    added = updated = 0
    with course.gradebook() as gb, transaction(gb):
        for student in students:
            fields = dict(_roster.nbgrader_name_fields(student.name))
            if student.email:
                fields["email"] = student.email
            try:
                gb.find_student(student.id)
                updated += 1
            except MissingEntry:
                added += 1
            gb.update_or_create_student(student.id, **fields)
    return added, updated


def init_course(directory, students_file=None, out=print, course_id: str | None = None) -> Course:
    """Create (or complete) a course folder: config, source assignments, gradebook, class list.

    ``course_id`` names the course in nbgrader's exchange (it must match the school server's
    setting); it is written into the folder's ``nbgrader_config.py``.
    """
    root = Path(directory).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} 已存在且不是文件夹。")
    if course_id is not None and not _COURSE_ID.fullmatch(course_id):
        raise InputError(f"课程代号“{course_id}”不合适：只能用字母、数字、下划线和短横线，以字母开头，最长 40 个字符。")
    roster = _roster.read_roster(students_file) if students_file else None  # fail before writing
    bundle = bundled_course_dir()
    if not (bundle / "nbgrader_config.py").is_file():  # pragma: no cover - broken installation
        raise CourseError(f"cslab 安装不完整：找不到 {bundle / 'nbgrader_config.py'}。")
    root.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    if config.exists():
        out(f"保留已有的 {config.name}")
    else:
        shutil.copy(bundle / "nbgrader_config.py", config)
        out(f"写入 {config.name}")
    if course_id is not None:
        text = config.read_text(encoding="utf-8")
        line = f"c.CourseDirectory.course_id = {course_id!r}"
        new, count = re.subn(r"(?m)^c\.CourseDirectory\.course_id\s*=.*$", line, text)
        if count == 0:
            new = text.rstrip("\n") + "\n" + line + "\n"
        if new != text:
            config.write_text(new, encoding="utf-8")
            out(f"课程代号：{course_id}")
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    course = Course(root)
    source = Path(course.coursedir.source_directory)
    source_dir = source if source.is_absolute() else root / source
    source_dir.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    bundled_source = bundle / "source_assignments"
    for folder in sorted(p for p in bundled_source.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))):
        target = source_dir / folder.name
        if target.exists():
            kept.append(folder.name)
            continue
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        copied.append(folder.name)
    if copied:
        out(f"复制作业源文件到 {source_dir.name}/：{'、'.join(copied)}")
    if kept:
        out(f"保留已有的作业：{'、'.join(kept)}")
    with course.gradebook():
        pass  # creating the Gradebook creates the database and its tables
    out(f"成绩库：{Path(course.db_url.replace('sqlite:///', '')).name}")
    if roster:
        added, updated = import_students(course, roster)
        out(f"导入学生名单 {Path(students_file).name}：新增 {added} 人，更新 {updated} 人"
            "（姓名整体存入 nbgrader 的 last_name，first_name 留空）")
    return course
