"""Worker processes: run students' notebooks with nbgrader's own Execute preprocessor.

A worker never touches the gradebook. It receives sanitised notebooks (nbgrader's first pass,
done by the parent), executes them in a fresh kernel each, applies the database-free
preprocessors that nbgrader runs right after execution (IgnorePattern, ClearMetadata,
LimitOutput) and sends the notebooks back. It tells the parent the pid of every kernel it
starts, so the parent can kill a kernel that outlives the per-submission time limit.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
import nbformat

__all__ = ["worker_main", "mark_not_run", "NOT_RUN", "KERNEL_DIED"]

#: ename of the error output put on cells that never ran (the kernel died or the time ran out)
NOT_RUN = "CellNotRun"
#: ename of the error output put on the cell whose execution killed the kernel
KERNEL_DIED = "DeadKernelError"


def _error(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def mark_not_run(nb, start: int, message: str) -> None:
    """Give every code cell from ``start`` on an error output: it was never run, so it earns nothing.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
    ...                                      nbformat.v4.new_code_cell("assert x")])
    >>> mark_not_run(nb, 1, "没有运行")
    >>> nb.cells[0].outputs, nb.cells[1].outputs[0].ename
    ([], 'CellNotRun')
    """
    for cell in nb.cells[start:]:
        if cell.cell_type == "code" and cell.source.strip():
            cell.outputs = [_error(NOT_RUN, message)]
            cell.execution_count = None


def _tracked(execute_cls, report):
    """nbgrader's (configured) Execute class, remembering the running cell and reporting kernels."""

    class Tracked(execute_cls):
        current_index = None

        def start_new_kernel(self, **kwargs):
            super().start_new_kernel(**kwargs)
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if process is not None:
                report(process.pid, getattr(self.km, "connection_file", ""))

        def preprocess_cell(self, cell, resources, index):
            self.current_index = index
            return super().preprocess_cell(cell, resources, index)

    Tracked.__name__ = Tracked.__qualname__ = f"Tracked{execute_cls.__name__}"
    return Tracked


def _timeouts(nb, ename: str) -> list[str]:
    labels = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and any(
                o.get("output_type") == "error" and o.get("ename") == ename for o in cell.get("outputs", [])):
            labels.append(cell.metadata.get("nbgrader", {}).get("grade_id") or f"第 {number} 个单元格")
    return labels


def run_notebook(item: dict, classes: list, config, report) -> dict:
    """Execute one sanitised notebook; the result says how it went (done, crash, timeout, error)."""
    from nbconvert.exporters import NotebookExporter

    nb_id = item["notebook"]
    result = {"notebook": nb_id, "nb": None, "outcome": "error", "detail": "", "timeouts": []}
    try:
        nb = nbformat.reads(item["source"], as_version=4)
        exporter = NotebookExporter(config=config)
        exporter._preprocessors = []
        execute_cls, *after = classes
        tracked = _tracked(execute_cls, report)
        for cls in (tracked, *after):
            exporter.register_preprocessor(cls)
        execute, *rest = exporter._preprocessors
        resources = {"metadata": {"name": nb_id, "path": item["cwd"]}, "nbgrader": dict(item["nbgrader"]),
                     "unique_key": nb_id, "output_files_dir": f"{nb_id}_files"}
        outcome = "done"
        try:
            nb, resources = execute(nb, resources)
        except DeadKernelError:
            outcome, index = "crash", execute.current_index
            if index is not None:
                nb.cells[index].outputs.append(_error(
                    KERNEL_DIED, "内核在运行这个单元格时崩溃（例如调用了 os._exit 或耗尽了内存），后面的单元格都没有运行。"))
            mark_not_run(nb, 0 if index is None else index + 1, "没有运行：内核已在前面的单元格崩溃。")
        except CellTimeoutError:  # the kernel did not even answer the interrupt
            outcome, index = "unresponsive", execute.current_index
            if index is not None:
                nb.cells[index].outputs.append(_error(
                    execute.error_on_timeout.get("ename", "CellTimeoutError"),
                    "运行超时，而且内核对中断没有反应，后面的单元格都没有运行。"))
            mark_not_run(nb, 0 if index is None else index + 1, "没有运行：前面的单元格超时且内核无响应。")
        for preprocessor in rest:
            nb, resources = preprocessor(nb, resources)
        result.update(nb=nb, outcome=outcome,
                      timeouts=_timeouts(nb, execute.error_on_timeout.get("ename", "CellTimeoutError")))
    except Exception as exc:  # kernel would not start, no such kernel, …: not the student's doing
        result["detail"] = f"{type(exc).__name__}: {exc}"
        print(traceback.format_exc(), file=sys.stderr, flush=True)
    return result


def _detach(log_path: str) -> None:
    """Leave the terminal's process group and write output (ours and the kernels') to the log."""
    if hasattr(os, "setsid"):
        try:
            os.setsid()  # Ctrl-C reaches the parent only; it decides what to stop
        except OSError:
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a replacement worker may inherit the parent's handler
    if log_path:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)


def worker_main(conn, payload: dict) -> None:
    """Loop: receive a submission's notebooks, execute them, send the results back."""
    _detach(payload.get("log_path", ""))
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # as nbgrader sets it while autograding
    classes, config = payload["classes"], payload["config"]
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        job_id, items = message

        def report(pid, connection_file, job_id=job_id):
            conn.send(("kernel", job_id, pid, connection_file))

        results = [run_notebook(item, classes, config, report) for item in items]
        try:
            conn.send(("done", job_id, results))
        except Exception as exc:  # e.g. a result too large to pickle
            conn.send(("done", job_id, [{"notebook": r["notebook"], "nb": None, "outcome": "error",
                                         "detail": f"{type(exc).__name__}: {exc}", "timeouts": []}
                                        for r in results]))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
