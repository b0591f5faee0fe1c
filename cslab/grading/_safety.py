"""Safety around grading: fingerprints for re-runs, a grading-state file, gradebook backups,
and after-the-fact detection of what a notebook could do without a sandbox.

cslab runs students' code as the teacher's own user, as nbgrader does. That code can read and
write anything the teacher can; only an operating-system sandbox (a separate user account or a
container) prevents it. What cslab does without one: each kernel runs in a scratch folder,
Ctrl-C and time limits kill it with its whole process group, the gradebook is backed up before
every grading run, files of the course that changed during grading are reported, and extra files
that would shadow a Python module (``pandas.py``, a ``cslab/`` folder) are flagged for a look.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

__all__ = ["fingerprint", "GradingState", "backup_gradebook", "snapshot", "changed_files", "shadowing_files"]

_KEEP_BACKUPS = 5
#: names that change how Python or the kernel starts when found in the working folder
_STARTUP_NAMES = {"sitecustomize", "usercustomize", "ipykernel_launcher", "ipykernel", "IPython"}


def _ignored(path: Path, ignore: list[str]) -> bool:
    from nbgrader.utils import is_ignored

    return is_ignored(str(path), ignore)


def fingerprint(folder, ignore: list[str], salt: str = "") -> str:
    """A hash of every file in a submission folder (names and contents) plus ``salt``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.ipynb").write_text("{}")
    >>> fingerprint(d, []) == fingerprint(d, []), fingerprint(d, []) == fingerprint(d, [], "x")
    (True, False)
    """
    from nbgrader.utils import find_all_files

    digest = hashlib.sha256(salt.encode("utf-8"))
    folder = str(folder)
    for path in sorted(find_all_files(folder, ignore)):
        digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape") + b"\0")
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


class GradingState:
    """What cslab graded last time, per student: ``.cslab/grading/<assignment>.json``."""

    def __init__(self, state_dir: Path, assignment_id: str):
        self.path = Path(state_dir) / "grading" / f"{assignment_id}.json"
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def get(self, student_id: str) -> dict | None:
        return self.entries.get(student_id)

    def put(self, student_id: str, entry: dict) -> None:
        """Record one student and save at once (write a temporary file, then rename: never half a file)."""
        self.entries[student_id] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def backup_gradebook(db_url: str, state_dir: Path) -> Path | None:
    """Copy the SQLite gradebook (consistently, with SQLite's backup API); keep the last five copies."""
    if not db_url.startswith("sqlite:///"):
        return None
    source = Path(db_url[len("sqlite:///"):])
    if not source.is_file():
        return None
    folder = Path(state_dir) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"gradebook-{time.strftime('%Y%m%d-%H%M%S')}.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    for old in sorted(folder.glob("gradebook-*.db"))[:-_KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def snapshot(root: Path, folders: list[Path], skip: set[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of the course's files that grading must never change."""
    seen: dict[str, tuple[int, int]] = {}

    def add(path: Path) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        seen[str(path)] = (st.st_size, st.st_mtime_ns)

    for entry in root.iterdir():
        if entry.is_file() and entry not in skip:
            add(entry)
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if Path(dirpath, d) not in skip]
            for name in filenames:
                add(Path(dirpath, name))
    return seen


def changed_files(before: dict, after: dict, root: Path) -> list[str]:
    """Course files that appeared, vanished or changed between two snapshots (relative paths).

    >>> changed_files({"/c/a": (1, 1), "/c/b": (1, 1)}, {"/c/a": (1, 2), "/c/x": (1, 1)}, Path("/c"))
    ['a（被修改）', 'b（被删除）', 'x（新出现）']
    """
    out = []
    for path in sorted(set(before) | set(after)):
        rel = os.path.relpath(path, root)
        if path not in after:
            out.append(f"{rel}（被删除）")
        elif path not in before:
            out.append(f"{rel}（新出现）")
        elif before[path] != after[path]:
            out.append(f"{rel}（被修改）")
    return out


def shadowing_files(relative_paths: list[str]) -> list[str]:
    """Extra submitted files that would be imported instead of a real module of the same name.

    >>> shadowing_files(["data.csv", "pandas.py", "cslab/datasets.py", "notes/readme.md"])
    ['pandas.py', 'cslab/']
    """
    flagged = []
    for rel in relative_paths:
        parts = Path(rel).parts
        if len(parts) > 1:
            if not parts[-1].endswith((".py", ".pyc", ".so", ".pyd")):
                continue
            name, shown = parts[0], f"{parts[0]}/"
        else:
            stem, suffix = os.path.splitext(parts[0])
            if suffix not in (".py", ".pyc", ".so", ".pyd", ".pth"):
                continue
            name, shown = stem.split(".")[0], parts[0]
        if shown in flagged:
            continue
        if suffix_is_pth(parts[0]) or name in _STARTUP_NAMES or name in sys.stdlib_module_names \
                or _importable(name):
            flagged.append(shown)
    return flagged


def suffix_is_pth(name: str) -> bool:
    """``.pth`` files run code at interpreter start.

    >>> suffix_is_pth("evil.pth"), suffix_is_pth("a.py")
    (True, False)
    """
    return name.endswith(".pth")


def _importable(name: str) -> bool:
    if not name.isidentifier():
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
