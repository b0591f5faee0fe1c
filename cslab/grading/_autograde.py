"""``cslab grade``: nbgrader's autograde, with notebooks executed in parallel.

Per submission, the same steps as ``nbgrader autograde``, split in three:

1. parent — copy the files as nbgrader does (submitted extras, then the source folder's files)
   into a scratch folder, and run nbgrader's sanitising preprocessors (ClearOutput,
   DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata);
2. a worker — execute with nbgrader's Execute preprocessor (the expensive part; N at once),
   then IgnorePattern, ClearMetadata and LimitOutput;
3. parent — in ONE database transaction: the student and submission records, SaveAutoGrades and
   AssignLatePenalties (nbgrader's, pointed at the shared transaction), CheckCellMetadata; then
   the graded notebooks replace autograded/<student>/<assignment>/ in one rename.

Only the parent writes to the gradebook, one submission at a time, so an interrupted run
leaves every submission either fully graded or untouched.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..errors import CslabError
from . import _safety
from ._course import Course, CourseError, chdir
from ._text import format_points, format_seconds

__all__ = ["SubmissionResult", "GradeReport", "Interrupted", "grade_assignment", "STATUSES"]

DONE, TIMEOUT, CRASH, CORRUPT, MISSING, ERROR = "完成", "超时", "内核崩溃", "文件损坏", "缺少笔记本", "出错"
#: every status a submission can end with
STATUSES = (DONE, TIMEOUT, CRASH, CORRUPT, MISSING, ERROR)
_RANK = {s: i for i, s in enumerate(STATUSES)}  # later in the tuple wins when notebooks differ
_PURE = ("IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput")


class Interrupted(CslabError):
    """Grading stopped by Ctrl-C; what was finished is saved."""


@dataclass
class SubmissionResult:
    """How one student's submission ended."""

    student_id: str
    name: str = ""
    score: float | None = None
    max_score: float | None = None
    status: str = DONE
    note: str = ""
    seconds: float = 0.0
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class GradeReport:
    """Everything ``cslab grade`` found, for the summary table and for tests."""

    assignment: str
    results: list[SubmissionResult]
    elapsed: float
    workers: int
    changed_files: list[str] = field(default_factory=list)
    not_submitted: list[tuple[str, str]] = field(default_factory=list)
    backup: Path | None = None
    log_path: Path | None = None

    def counts(self) -> dict[str, int]:
        """How many submissions ended with each status, in the order of :data:`STATUSES`."""
        return {s: n for s in STATUSES if (n := sum(r.status == s for r in self.results))}


@dataclass
class _Job:
    student_id: str
    path: str
    fingerprint: str
    staging: Path
    notebooks: list[str]
    items: list[dict] = field(default_factory=list)
    corrupt: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    started: float = 0.0


def _classes(conv) -> tuple[list, list]:
    """nbgrader's autograde preprocessors split into the worker's part and the parent's part."""
    from nbgrader.preprocessors import AssignLatePenalties, Execute, SaveAutoGrades

    from ._tx import TxAssignLatePenalties, TxSaveAutoGrades

    chain = list(conv.autograde_preprocessors)
    at = next((i for i, c in enumerate(chain) if isinstance(c, type) and issubclass(c, Execute)), None)
    if at != 0:
        raise CourseError("nbgrader_config.py 改动了 Autograde.autograde_preprocessors（Execute 不在第一位），"
                          "cslab grade 不支持；请改用 nbgrader autograde。")
    end = 1
    while end < len(chain) and getattr(chain[end], "__name__", "") in _PURE:
        end += 1
    swap = {SaveAutoGrades: TxSaveAutoGrades, AssignLatePenalties: TxAssignLatePenalties}
    return chain[:end], [swap.get(c, c) for c in chain[end:]]


class _Grader:
    def __init__(self, course: Course, assignment: str, workers: int | None, timeout: float | None,
                 max_time: float | None, students: list[str] | None, force: bool, out):
        from nbconvert.writers import FilesWriter
        from nbgrader.converters import Autograde
        from nbgrader.preprocessors import Execute

        self.course, self.aid, self.force, self.out = course, assignment, force, out
        self.info = course.assignment_info(assignment)
        if timeout is not None:
            if timeout <= 0:
                raise CslabError("--timeout 必须是正数（秒）。")
            course.config.Execute.timeout = max(1, round(timeout))  # nbgrader's trait is whole seconds
        self.conv = conv = Autograde(coursedir=course.coursedir, parent=course.app)
        self.timeout = Execute(config=conv.config).timeout
        self.max_time = max_time or max(120.0, 10.0 * (self.timeout or 60))
        from ._pool import available_cpus  # the pool module is imported only to grade

        self.workers = max(1, workers or available_cpus())
        conv.exporter = conv.exporter_class(parent=conv, config=conv.config)
        conv._sanitizing = True
        conv._init_preprocessors()
        self.sanitize = conv.exporter
        self.worker_classes, parent_classes = _classes(conv)
        self.post = conv.exporter_class(parent=conv, config=conv.config)
        self.post._preprocessors = []
        for cls in parent_classes:
            self.post.register_preprocessor(cls)
        self.writer = FilesWriter(parent=conv, config=conv.config)
        self.gb = course.gradebook()
        for pp in self.post._preprocessors:
            if hasattr(pp, "shared_gradebook"):
                pp.shared_gradebook = self.gb
        self.names = course.student_names()
        self.state = _safety.GradingState(course.state_dir, assignment)
        self.source_dir = course.path("source", ".", assignment)
        self.salt = f"{_safety.fingerprint(self.source_dir, course.coursedir.ignore)}|timeout={self.timeout}"
        self.only = set(students or [])
        self.stopping = False
        self.results: list[SubmissionResult] = []
        self.total = 0

    # -- discovery ------------------------------------------------------------------------------
    def submissions(self) -> list[tuple[str, str]]:
        cd = self.course.coursedir
        pattern = cd.format_path(cd.submitted_directory, "*", self.aid)
        regexp = cd.format_path(cd.submitted_directory, "(?P<student_id>[^/\\\\]+)", self.aid, escape=True)
        excluded = set(filter(None, (cd.student_id_exclude or "").split(",")))
        found = []
        for path in sorted(glob.glob(pattern)):
            match = re.fullmatch(regexp, path)
            if not match or not os.path.isdir(path):
                continue
            sid = match.group("student_id")
            if sid in excluded or (self.only and sid not in self.only):
                continue
            found.append((sid, path))
        missing = self.only - {sid for sid, _ in found}
        if missing:
            self.out(f"注意：没有找到这些学号的提交：{'、'.join(sorted(missing))}")
        return found

    def _already_graded(self, sid: str, fp: str, in_db: dict) -> SubmissionResult | None:
        entry = self.state.get(sid)
        if self.force or not entry or entry.get("fingerprint") != fp or sid not in in_db:
            return None
        dest = self.course.path("autograded", sid, self.aid)
        if not all((dest / f"{nb}.ipynb").is_file() for nb in entry.get("notebooks", [])):
            return None
        score, top = in_db[sid]  # from the gradebook: manual grades given since then count
        return SubmissionResult(sid, self.names.get(sid, ""), score, top,
                                entry.get("status", DONE), "未改动，沿用上次的评分"
                                + (f"（{entry['note']}）" if entry.get("note") else ""), skipped=True)

    # -- phase 1: prepare (parent) -----------------------------------------------------------
    def prepare(self, sid: str, path: str, fp: str) -> _Job:
        from nbgrader.utils import find_all_files

        cd = self.course.coursedir
        staging = self.course.state_dir / "staging" / sid / self.aid
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        job = _Job(sid, path, fp, staging, self.info["notebooks"], started=time.monotonic())
        for src in find_all_files(path, cd.ignore + ["*.ipynb"]):  # BaseConverter.init_assignment
            rel = os.path.relpath(src, path)
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, staging / rel)
            if rel != "timestamp.txt":
                job.extras.append(rel)
        source = str(self.source_dir)
        keep = {os.path.join(source, x) for x in self.conv.exclude_overwriting.get(self.aid, [])}
        for src in sorted(set(find_all_files(source, cd.ignore + ["*.ipynb"])) - keep):  # Autograde.init_assignment
            rel = os.path.relpath(src, source)
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            shutil.copy(src, target)
            if rel in job.extras:
                job.extras.remove(rel)
        for nb_path in sorted(glob.glob(os.path.join(path, f"{cd.notebook_id}.ipynb"))):
            nb_id = os.path.splitext(os.path.basename(nb_path))[0]
            if nb_id not in self.info["notebooks"]:
                job.unknown.append(os.path.basename(nb_path))
                continue
            resources = {"unique_key": nb_id, "output_files_dir": f"{nb_id}_files",
                         "nbgrader": {"student": sid, "assignment": self.aid, "notebook": nb_id,
                                      "db_url": cd.db_url}}
            try:
                nbformat.read(nb_path, as_version=4)
            except Exception as exc:  # not JSON, empty, not UTF-8, not a notebook
                self.conv.log.error("Cannot read %s: %s: %s", nb_path, type(exc).__name__, exc)
                job.corrupt[nb_id] = ("文件不是 UTF-8 编码的笔记本" if isinstance(exc, UnicodeDecodeError)
                                      else "文件不是有效的 Jupyter 笔记本（内容损坏或文件为空）")
                continue
            try:
                output, _ = self.sanitize.from_filename(nb_path, resources=resources)
            except Exception as exc:  # nbgrader refuses it: its grading metadata was tampered with
                self.conv.log.error("Cannot sanitize %s: %s: %s", nb_path, type(exc).__name__, exc)
                job.corrupt[nb_id] = f"笔记本的评分信息（nbgrader 元数据）被改坏了（{type(exc).__name__}）"
                continue
            job.items.append({"notebook": nb_id, "source": output, "cwd": str(staging),
                              "nbgrader": resources["nbgrader"]})
        return job

    # -- phase 3: record (parent, one transaction) ---------------------------------------------
    def finalize(self, job: _Job, results: list[dict] | None, failure: str = "") -> SubmissionResult:
        from ._tx import record_submission, transaction, zero_notebook

        sid = job.student_id
        res = SubmissionResult(sid, self.names.get(sid, ""), seconds=time.monotonic() - job.started)
        shadowing = _safety.shadowing_files(job.extras)
        res.warnings = [f"额外文件可能遮蔽同名模块：{'、'.join(shadowing)}"] if shadowing else []
        by_nb = {r["notebook"]: r for r in results or []}
        statuses, notes = [], []
        if failure:  # the worker died: nothing is recorded, a re-run grades it again
            return self._discard(job, res, ERROR, failure)
        infra = [r for r in by_nb.values() if r["outcome"] == "error"]
        if infra:
            return self._discard(job, res, ERROR, f"无法运行笔记本：{infra[0]['detail'][:120]}")
        produced = []
        try:
            with transaction(self.gb) as gb:
                record_submission(gb, self.conv, self.aid, sid, job.path)
                for nb_id in self.info["notebooks"]:
                    if nb_id in job.corrupt:
                        zero_notebook(gb, nb_id, self.aid, sid)
                        statuses.append(CORRUPT)
                        notes.append(job.corrupt[nb_id])
                        continue
                    result = by_nb.get(nb_id)
                    if result is None:
                        if any(i["notebook"] == nb_id for i in job.items):  # overtime: never finished
                            result = self._not_finished(job, nb_id)
                        else:
                            continue  # not submitted: nbgrader's zero, set in record_submission
                    statuses.append(_status_of(result))
                    if result["outcome"] == "overtime":
                        notes.append(f"整份作业超过 {format_points(self.max_time)} 秒时限，已停止")
                    elif result["outcome"] == "crash":
                        notes.append("内核崩溃，之后的单元格没有运行")
                    elif result["outcome"] == "unresponsive":
                        notes.append("单元格超时且内核不响应中断")
                    if result["timeouts"]:
                        notes.append(f"超时：{'、'.join(result['timeouts'][:3])}")
                    resources = {"unique_key": nb_id, "output_files_dir": f"{nb_id}_files",
                                 "metadata": {"name": nb_id, "path": str(job.staging)},
                                 "nbgrader": dict(next(i for i in job.items if i["notebook"] == nb_id)["nbgrader"])}
                    output, resources = self.post.from_notebook_node(result["nb"], resources=resources)
                    self.writer.build_directory = str(job.staging)
                    self.writer.write(output, resources, notebook_name=nb_id)
                    produced.append(nb_id)
        except LookupError:
            return self._discard(job, res, ERROR, "学生不在成绩库中，而 nbgrader 配置不允许自动添加")
        except Exception as exc:  # logged; the transaction was rolled back, nothing recorded
            self.conv.log.exception("Recording %s failed", sid)
            return self._discard(job, res, ERROR, f"写入成绩库失败：{type(exc).__name__}: {exc}"[:160])
        if not statuses:
            statuses, notes = [MISSING], [f"没有找到 {'、'.join(n + '.ipynb' for n in self.info['notebooks'])}"
                                          + (f"（收到 {'、'.join(job.unknown)}）" if job.unknown else "")]
        submission = self.gb.find_submission(self.aid, sid)
        penalty = submission.late_submission_penalty or 0.0
        res.score, res.max_score = max(0.0, submission.score - penalty), submission.max_score
        res.status = max(statuses, key=_RANK.get)
        res.note = "；".join(dict.fromkeys(notes))
        self._publish(job)
        self.state.put(sid, {"fingerprint": job.fingerprint, "notebooks": produced, "status": res.status,
                             "score": res.score, "max_score": res.max_score, "note": res.note,
                             "graded_at": time.strftime("%Y-%m-%d %H:%M:%S")})
        return res

    def _not_finished(self, job: _Job, nb_id: str) -> dict:
        from ._worker import mark_not_run

        item = next(i for i in job.items if i["notebook"] == nb_id)
        nb = nbformat.reads(item["source"], as_version=4)
        mark_not_run(nb, 0, f"没有评完：整份作业超过 {format_points(self.max_time)} 秒时限。")
        return {"notebook": nb_id, "nb": nb, "outcome": "overtime", "detail": "", "timeouts": []}

    def _discard(self, job: _Job, res: SubmissionResult, status: str, note: str) -> SubmissionResult:
        shutil.rmtree(job.staging, ignore_errors=True)
        res.status, res.note = status, note + "（未写入成绩，重新运行会再评）"
        return res

    def _publish(self, job: _Job) -> None:
        """Replace autograded/<student>/<assignment>/ with the new folder in one rename."""
        permissions = int(str(self.conv.permissions), 8)
        for dirpath, _, filenames in os.walk(job.staging):
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), permissions)
        dest = self.course.path("autograded", job.student_id, self.aid)
        dest.parent.mkdir(parents=True, exist_ok=True)
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
        if dest.exists():
            os.replace(dest, old)
        try:
            os.replace(job.staging, dest)
        except OSError:  # another file system: copy instead
            shutil.copytree(job.staging, dest)
            shutil.rmtree(job.staging, ignore_errors=True)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    # -- the loop ------------------------------------------------------------------------------
    def run(self) -> GradeReport:
        from ._pool import WorkerPool

        started = time.monotonic()
        subs = self.submissions()
        if not subs:
            where = self.course.path("submitted", "<学号>", self.aid)
            raise CslabError(f"没有找到作业 {self.aid} 的提交：应放在 {os.path.relpath(where, self.course.root)}/ 下。")
        in_db = {s.student.id: (max(0.0, s.score - (s.late_submission_penalty or 0.0)), s.max_score)
                 for s in self.gb.find_assignment(self.aid).submissions}
        todo = []
        for sid, path in subs:
            fp = _safety.fingerprint(path, self.course.coursedir.ignore, self.salt)
            done = self._already_graded(sid, fp, in_db)
            (self.results.append(done) if done else todo.append((sid, path, fp)))
        self.total = len(todo)
        skipped = len(self.results)
        if not todo:
            self.out(f"评分 {self.aid}：{len(subs)} 份提交都已评过且没有改动，跳过（加 --force 重新评分）")
        else:
            self.out(f"评分 {self.aid}：{len(subs)} 份提交"
                     + (f"，其中 {skipped} 份未改动，跳过（加 --force 重新评分）" if skipped else "")
                     + f"；{min(self.workers, self.total)} 个进程并行，单元格时限 {self.timeout} 秒，"
                       f"每份时限 {format_points(self.max_time)} 秒")
        report = GradeReport(self.aid, self.results, 0.0, self.workers, log_path=self.course.log_path)
        if not self.only:
            handed_in = {sid for sid, _ in subs}
            report.not_submitted = [(sid, name) for sid, name in sorted(self.names.items()) if sid not in handed_in]
        if not todo:
            report.elapsed = time.monotonic() - started
            return report
        report.backup = _safety.backup_gradebook(self.course.db_url, self.course.state_dir)
        watched = [p for p in (self.source_dir.parent, self.course.path("release"), self.course.path("submitted"))
                   if p.is_dir()]
        skip = {self.course.state_dir, self.course.root / "gradebook.db"} | \
            {self.course.root / f"gradebook.db-{x}" for x in ("journal", "wal", "shm")}
        before = _safety.snapshot(self.course.root, watched, skip)
        payload = {"classes": self.worker_classes, "config": self.conv.config,
                   "log_path": str(self.course.log_path)}
        pool = WorkerPool(min(self.workers, len(todo)), payload, self.max_time)
        in_main = threading.current_thread() is threading.main_thread()
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if in_main else {}
        for sig in previous:
            signal.signal(sig, self._on_signal)
        running: dict[str, _Job] = {}
        try:
            pending = deque(todo)
            while (pending or running) and not self.stopping:
                for worker in pool.idle():
                    job = self._next(pending)
                    if job is None:
                        break
                    running[job.student_id] = job
                    pool.submit(worker, job.student_id, job.items)
                for kind, sid, payload_ in pool.poll(0.2):
                    job = running.pop(sid)
                    if kind == "done":
                        self._report(self.finalize(job, payload_))
                    elif kind == "overtime":
                        self._report(self.finalize(job, None))
                    else:
                        self._report(self.finalize(job, None, failure=payload_))
        finally:
            if self.stopping:
                self.out("\n收到停止信号：正在停止评分进程……")
                pool.terminate()
                for job in running.values():
                    shutil.rmtree(job.staging, ignore_errors=True)
            else:
                pool.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.gb.close()
        if self.stopping:
            rest = (f"它们保留上次的成绩；要全部重评，请再运行 cslab grade {self.aid} --force。" if self.force
                    else f"重新运行 cslab grade {self.aid} 会接着评。")
            raise Interrupted(f"已停止：{len(self.results) - skipped} 份已评完并保存，"
                              f"{len(running)} 份正在评的没有写入成绩；{rest}")
        report.changed_files = _safety.changed_files(before, _safety.snapshot(self.course.root, watched, skip),
                                                     self.course.root)
        report.elapsed = time.monotonic() - started
        return report

    def _next(self, pending: deque) -> _Job | None:
        """The next job that needs a kernel; jobs that need none (corrupt files) are recorded on the way."""
        while pending and not self.stopping:
            sid, path, fp = pending.popleft()
            job = self.prepare(sid, path, fp)
            if job.items:
                return job
            self._report(self.finalize(job, []))
        return None

    def _on_signal(self, signum, frame):
        # only set a flag: printing or raising here could interrupt a database commit half-way
        if self.stopping:
            raise KeyboardInterrupt
        self.stopping = True

    def _report(self, res: SubmissionResult) -> None:
        self.results.append(res)
        done = sum(1 for r in self.results if not r.skipped)
        score = f"{format_points(res.score)}/{format_points(res.max_score)}" if res.max_score else "—"
        width = len(str(self.total))
        self.out(f"[{done:>{width}}/{self.total}] {res.student_id} {res.name}  {score}  {res.status}"
                 f"  {format_seconds(res.seconds)}" + (f"  {res.note}" if res.note and res.status != DONE else ""))


def _status_of(result: dict) -> str:
    if result["outcome"] == "crash":
        return CRASH
    if result["outcome"] in ("unresponsive", "overtime") or result["timeouts"]:
        return TIMEOUT
    return DONE


def grade_assignment(assignment: str, course=".", *, workers: int | None = None, timeout: float | None = None,
                     max_time: float | None = None, students: list[str] | None = None, force: bool = False,
                     out=print) -> GradeReport:
    """Autograde every submission of ``assignment`` in parallel; scores as ``nbgrader autograde`` gives."""
    from sqlalchemy.exc import SAWarning

    course = course if isinstance(course, Course) else Course(course)
    with chdir(course.root), warnings.catch_warnings():
        # nbgrader's own add_submission triggers these under SQLAlchemy 2 (nbgrader autograde shows them too)
        warnings.simplefilter("ignore", SAWarning)
        grader = _Grader(course, assignment, workers, timeout, max_time, students, force, out)
        report = grader.run()
    report.results.sort(key=lambda r: r.student_id)
    return report
