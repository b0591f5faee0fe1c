"""Reading graded test cells: the hidden-test region, where a failure happened, a short reason."""

from __future__ import annotations

import re

__all__ = ["BEGIN_HIDDEN", "END_HIDDEN", "is_test_cell", "split_hidden", "failure", "short_reason", "special_reason"]

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: errors that say how the cell ended rather than what the code did: ename → Chinese
_SPECIAL = {"CellTimeoutError": "运行超时", "DeadKernelError": "内核崩溃", "CellNotRun": "没有运行（内核崩溃或超时之后）"}
_CELL_LINE = re.compile(r"Cell In\s*\[\d*\],\s*line\s+(\d+)")


def is_test_cell(cell) -> bool:
    """An auto-graded test cell: a graded code cell that is not the student's answer."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def split_hidden(source: str, begin: str = BEGIN_HIDDEN, end: str = END_HIDDEN) -> tuple[str, set[int]]:
    """The visible part of a test cell and the (1-based) line numbers of its hidden region.

    >>> visible, hidden = split_hidden("assert a\\n### BEGIN HIDDEN TESTS\\nassert b\\n### END HIDDEN TESTS\\nc")
    >>> visible, sorted(hidden)
    ('assert a\\nc', [2, 3, 4])
    """
    kept, hidden, inside = [], set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if begin in line:
            inside = True
        if inside:
            hidden.add(number)
        else:
            kept.append(line)
        if end in line:
            inside = False
    return "\n".join(kept), hidden


def _errors(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def failure(cell) -> dict | None:
    """How a test cell failed: ``ename``, ``evalue`` and ``line`` (in the cell, or None); None if it passed.

    A cell that wrote to stderr also fails (nbgrader counts stderr output as a failure).

    >>> from nbformat.v4 import new_code_cell, new_output
    >>> cell = new_code_cell("x = 1\\nassert x == 2, 'x 应为 2'")
    >>> cell.outputs = [new_output("error", ename="AssertionError", evalue="x 应为 2",
    ...                            traceback=["Cell In[3], line 2", "AssertionError: x 应为 2"])]
    >>> failure(cell)
    {'ename': 'AssertionError', 'evalue': 'x 应为 2', 'line': 2}
    """
    errors = _errors(cell)
    if errors:
        first = errors[0]
        # a timed-out cell holds the interrupt's KeyboardInterrupt, then nbgrader's CellTimeoutError
        err = next((e for e in errors if e.get("ename") in _SPECIAL), first)
        text = _ANSI.sub("", "\n".join(first.get("traceback", [])))
        match = _CELL_LINE.search(text)
        return {"ename": err.get("ename", ""), "evalue": str(err.get("evalue", "")),
                "line": int(match.group(1)) if match else None}
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return {"ename": "stderr", "evalue": str(out.get("text", ""))[:200], "line": None}
    return None


def short_reason(fail: dict, hidden: bool) -> str:
    """A one-line reason for the teacher's report.

    >>> short_reason({"ename": "NotImplementedError", "evalue": "", "line": 3}, False)
    '未作答（NotImplementedError）'
    >>> short_reason({"ename": "AssertionError", "evalue": "回复要以「亲」开头", "line": 4}, False)
    'AssertionError: 回复要以「亲」开头'
    >>> short_reason({"ename": "AssertionError", "evalue": "", "line": 9}, True)
    '隐藏测试：AssertionError'
    """
    name, value = fail["ename"], " ".join(fail["evalue"].split())
    if name == "NotImplementedError":
        return "未作答（NotImplementedError）"
    if name in _SPECIAL:
        return _SPECIAL[name]
    text = f"{name}: {value}" if value else name
    text = text if len(text) <= 80 else text[:77] + "…"
    return f"隐藏测试：{text}" if hidden else text


def special_reason(ename: str) -> str | None:
    """Chinese for the errors that tell how a cell ended (timeout, crash, not run), else None.

    >>> special_reason("CellTimeoutError"), special_reason("AssertionError")
    ('运行超时', None)
    """
    return _SPECIAL.get(ename)
