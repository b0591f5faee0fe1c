"""课程成绩评定 (course grades) for the teacher: grading policies as data, nbgrader export + attendance + marks → final grades.

Used by the teacher at the end of term, in a notebook or a script; nothing here is student-facing
except the Chinese explanation (说明) each student can be shown.

* A policy is a YAML file in ``data/grading_policies/`` (``standard_001`` = 课程标准 001
  《电子商务客服管理》, ``standard_002`` = 课程标准 002《网店客服》) or any path; the format is
  explained for teachers in that folder's README.md. :func:`load_policy` checks it (weights sum
  to 100, known kinds, every attendance status covered, bands ordered) with Chinese errors naming
  the file and the field.
* :func:`final_grades` combines nbgrader's ``grades.csv``, the attendance log and the teacher's
  marks (CSV with 学号, 姓名 and one column per component, UTF-8 with or without BOM, or GBK) into one
  row per student: each component, 合计, 总评 (rounded half up), 结果 (通过 / 补考 / 重修 / 待定),
  说明 (the working, in Chinese) and 待核实 (what was missing or inconsistent). A student missing
  from a source is never silently given 0: the component is 待定 unless the policy (or
  ``on_missing="zero"``) says to count it as 0, and either way the explanation says so.
* :func:`apply_makeup` adds the make-up exam (补考) and whether the student must retake (重修).
* :func:`to_csv` writes UTF-8 with BOM, which Excel on Chinese Windows opens correctly.

Attendance rates are computed exactly (fractions), so a rate of exactly 95 % is in the 95 % band.

>>> import pandas as pd
>>> att = pd.DataFrame({"student_id": ["2024001"] * 20, "name": ["王语馨"] * 20,
...                     "status": ["出勤"] * 18 + ["旷课", "迟到"]})
>>> marks = pd.DataFrame({"学号": ["2024001"], "姓名": ["王语馨"], "课堂违纪次数": [1], "期中": [80], "期末": [70]})
>>> nb = pd.DataFrame({"assignment": ["a01"], "timestamp": ["2026-03-10 10:00:00"], "student_id": ["2024001"],
...                    "score": [9.0], "max_score": [10.0]})
>>> g = final_grades("standard_002", nb, att, marks)
>>> print(g[["出勤", "课堂表现", "作业", "期中考试", "期末考试", "总评", "结果"]].to_string(index=False))
  出勤  课堂表现   作业  期中考试  期末考试   总评 结果
15.0   9.0 10.0  16.0  28.0 78.0 通过
>>> print(explain(g, "2024001").splitlines()[1])
出勤（20 分）：应出勤 20 节；旷课 1 节按 2 节计，迟到 1 次，不满 2 次不计；折合缺勤 2 节，出勤率 = (20 − 2) ÷ 20 = 90.0 %，属于“≥ 90 % 且 < 95 %”一档，得 15 分。
"""

from ._attendance import AttendanceResult, score_attendance
from ._grades import apply_makeup, explain, final_grades, round_half_up, to_csv
from ._inputs import ZERO_MARKS
from ._policy import AttendanceRule, Component, Makeup, Policy, load_policy, policies

__all__ = [
    "load_policy", "policies", "final_grades", "explain", "apply_makeup", "to_csv",
    "score_attendance", "round_half_up", "Policy", "Component", "AttendanceRule", "Makeup",
    "AttendanceResult", "ZERO_MARKS",
]
