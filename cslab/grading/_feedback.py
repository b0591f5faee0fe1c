"""``cslab feedback``: nbgrader's feedback HTML without hidden tests or their failure messages.

nbgrader's own feedback shows each test cell as it ran: hidden tests, their assertion messages
and tracebacks (which quote the hidden lines) included. cslab runs nbgrader's GenerateFeedback
with one more preprocessor, :class:`HideHiddenTests`: a test cell that holds hidden tests keeps
its visible lines, and its outputs become one line per part (可见测试 / 隐藏测试：通过 or 未通过)
plus the points. Any other output that quotes a hidden line (a student printing ``In`` …) is
withheld too. Every page is checked afterwards: if a hidden line still shows, the page is deleted
and the command fails.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from ..errors import CslabError
from ._cells import failure, is_test_cell, special_reason, split_hidden
from ._course import Course, chdir

__all__ = ["HideHiddenTests", "generate_feedback", "hidden_lines", "page_text", "translate_labels"]

#: nbgrader's own feedback page, its English labels turned into Chinese after rendering
#: (pattern → replacement; applied to the labels nbgrader's template writes, in this order)
LABELS = (
    (r"<html>", '<html lang="zh-CN">'),
    (r"Late submission penalty \(Score: -([^)<]*)\)", r"迟交扣分（-\1）"),
    (r"\(Score: ([^)<]*)\)", r"（得分：\1）"),
    (r">Test cell</a>", ">测试</a>"),
    (r">Coding free-response</a>", ">编程简答</a>"),
    (r">Written response</a>", ">书面回答</a>"),
    (r">Task</a>", ">任务</a>"),
    (r">Comment</a>", ">评语</a>"),
    (r"\bScore: ", "得分："),
    (r"\(Top\)", "（回到顶部）"),
    (r"Student's answer", "你的答案"),
    (r"Student's task", "你的任务"),
    (r"Grade cell: <code>", "测试单元格：<code>"),
    (r">Task: <code>", ">任务：<code>"),
)


def translate_labels(page: str) -> str:
    """nbgrader's English feedback labels in Chinese (the page is otherwise unchanged).

    >>> translate_labels("<h4>a (Score: 2.0 / 3.0)</h4><span>Student's answer</span>")
    '<h4>a （得分：2.0 / 3.0）</h4><span>你的答案</span>'
    """
    for pattern, replacement in LABELS:
        page = re.sub(pattern, replacement, page)
    return page
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MAX_OUTPUT = 20_000  # characters of one output shown in feedback (the autograded notebook keeps all)
_MIN_LINE = 10  # shorter hidden lines (``else:``, ``)``) are too common to mean anything


def _delimiters(parent) -> tuple[str, str]:
    clear = ClearHiddenTests(parent=parent)
    return clear.begin_test_delimeter, clear.end_test_delimeter


def hidden_lines(nb, begin: str = "### BEGIN HIDDEN TESTS", end: str = "### END HIDDEN TESTS") -> set[str]:
    """Hidden-test lines of a notebook that appear nowhere in its visible text (stripped, ≥ 10 chars)."""
    hidden, visible = set(), set()
    for cell in nb.cells:
        if is_test_cell(cell):
            lines = cell.source.splitlines()
            shown, numbers = split_hidden(cell.source, begin, end)
            hidden |= {lines[n - 1].strip() for n in numbers
                       if begin not in lines[n - 1] and end not in lines[n - 1]}
            visible |= {line.strip() for line in shown.splitlines()}
        else:
            visible |= {line.strip() for line in cell.source.splitlines()}
    return {line for line in hidden - visible if len(line) >= _MIN_LINE}


def _output_text(output) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    if output.get("output_type") == "error":
        return _ANSI.sub("", "\n".join(output.get("traceback", []))) + str(output.get("evalue", ""))
    return "\n".join(str(v) for v in output.get("data", {}).values())


def _stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback preprocessor: hidden tests become 通过/未通过 lines; outputs that quote them go."""

    def preprocess(self, nb, resources):
        self._begin, self._end = _delimiters(self)
        self._hidden = hidden_lines(nb, self._begin, self._end)
        return super().preprocess(nb, resources)

    def _summary(self, cell, hidden_numbers: set[int]) -> str:
        fail = failure(cell)
        meta = cell.metadata.get("nbgrader", {})
        points = f"得分：{_num(meta.get('score'))} / {_num(meta.get('points'))}"
        if fail is None:
            return f"可见测试：通过\n隐藏测试：通过\n{points}\n"
        special = special_reason(fail["ename"])
        if fail["line"] is not None and fail["line"] not in hidden_numbers:
            reason = special or (f"{fail['ename']}: {fail['evalue']}" if fail["evalue"] else fail["ename"])
            return f"可见测试：未通过 —— {reason}\n隐藏测试：未运行（未通过）\n{points}\n"
        return f"隐藏测试：未通过{f'（{special}）' if special else ''}\n{points}\n"

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("comment") == "No response.":  # nbgrader's automatic comment on an untouched answer
            meta["comment"] = "未作答。"
        if cell.cell_type != "code":
            return cell, resources
        if is_test_cell(cell) and self._begin in cell.source:
            visible, numbers = split_hidden(cell.source, self._begin, self._end)
            cell.source = visible.rstrip() + "\n# （这里还有隐藏测试，内容不公开）"
            cell.outputs = [_stream(self._summary(cell, numbers))]
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            text = _output_text(output)
            if any(line in text for line in self._hidden):
                kept.append(_stream("（这个输出引用了隐藏测试的内容，反馈中不显示。）\n"))
                continue
            if output.get("output_type") == "stream" and len(text) > _MAX_OUTPUT:
                output["text"] = text[:_MAX_OUTPUT] + f"\n……（输出太长，反馈中只显示前 {_MAX_OUTPUT} 个字符）\n"
            kept.append(output)
        cell.outputs = kept
        return cell, resources


def _num(value) -> str:
    if value is None:
        return "—"
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else str(value)


def page_text(page: str) -> str:
    """The visible text of an HTML page (tags, scripts and styles dropped, entities decoded).

    >>> page_text('<p>a &lt; b</p><style>x{}</style><span>c</span>')
    'a < bc'
    """
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", "", page))


def generate_feedback(assignment: str, course=".", students: list[str] | None = None, out=print) -> list[Path]:
    """Write feedback/<学号>/<assignment>/*.html for every autograded submission; returns the pages."""
    import nbformat
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateFeedback, NbGraderException
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    course = course if isinstance(course, Course) else Course(course)
    course.assignment_info(assignment)  # a Chinese error when the assignment is unknown
    graded = _graded_students(course, assignment)
    wanted = [s for s in graded if not students or s in students]
    if students and (missing := sorted(set(students) - set(graded))):
        out(f"注意：这些学号还没有评分结果，跳过：{'、'.join(missing)}")
    if not wanted:
        raise CslabError(f"作业 {assignment} 还没有评分结果：请先运行 cslab grade {assignment}。")
    config = Config(course.config)
    pages, failed = [], []
    with chdir(course.root):
        cd = course.coursedir
        cd.assignment_id = assignment
        for sid in wanted:
            cd.student_id = sid
            converter = GenerateFeedback(coursedir=cd, parent=course.app, config=config)
            converter.force = True  # always rebuild: an old page may come from plain nbgrader
            converter.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
            try:
                converter.start()
            except NbGraderException:
                failed.append(sid)
                continue
            source = course.path("autograded", sid, assignment)
            for page in sorted(course.path("feedback", sid, assignment).glob("*.html")):
                page.write_text(translate_labels(page.read_text(encoding="utf-8")), encoding="utf-8")
                notebook = source / f"{page.stem}.ipynb"
                secret = hidden_lines(nbformat.read(notebook, as_version=4), *_delimiters(converter)) \
                    if notebook.is_file() else set()
                text = page_text(page.read_text(encoding="utf-8"))
                leaked = [line for line in secret if line in text]
                if leaked:
                    page.unlink()
                    raise CslabError(f"{sid} 的反馈 {page.name} 中出现了隐藏测试内容（{leaked[0][:40]}…），"
                                     "已删除该文件。请把 cslab 的版本和这份作业报告给课程维护者。")
                pages.append(page)
        cd.student_id = "*"
    if failed:
        out(f"这些学号的反馈生成失败（详见 {course.log_path}）：{'、'.join(failed)}")
    return pages


def _graded_students(course: Course, assignment: str) -> list[str]:
    root = course.path("autograded")
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and any((p / assignment).glob("*.ipynb"))) \
        if root.is_dir() else []
