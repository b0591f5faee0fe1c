"""Class-scale grading around nbgrader: parallel autograde, safe feedback, exports, class reports.

Used by the teacher's command line (``cslab grade``, ``cslab feedback``, ``cslab export``,
``cslab report``, ``cslab course init``; see docs/teacher_guide.md). Grading reuses nbgrader's
own preprocessors and Gradebook API, so scores are those of ``nbgrader autograde``; what cslab
adds is parallel execution, one database transaction per submission, re-runs that skip
unchanged submissions, and feedback that never shows hidden tests.

Importing this package is cheap; nbgrader loads when a function is called.

>>> from cslab import grading
>>> grading.STATUSES
('完成', '超时', '内核崩溃', '文件损坏', '缺少笔记本', '出错')
"""

from __future__ import annotations

import importlib

__all__ = [
    "STATUSES",
    "Course",
    "CourseError",
    "GradeReport",
    "Interrupted",
    "Student",
    "SubmissionResult",
    "class_report",
    "export_grades",
    "generate_feedback",
    "grade_assignment",
    "import_students",
    "init_course",
    "read_roster",
]

#: every status a graded submission can end with (see ``cslab grade``)
STATUSES = ("完成", "超时", "内核崩溃", "文件损坏", "缺少笔记本", "出错")

_WHERE = {
    "Course": "_course", "CourseError": "_course", "init_course": "_course", "import_students": "_course",
    "Student": "_roster", "read_roster": "_roster",
    "GradeReport": "_autograde", "Interrupted": "_autograde", "SubmissionResult": "_autograde",
    "grade_assignment": "_autograde",
    "generate_feedback": "_feedback",
    "export_grades": "_export",
    "class_report": "_report",
}


def __getattr__(name):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cslab.grading' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
