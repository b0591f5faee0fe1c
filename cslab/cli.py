"""The teacher's command line: ``cslab course init``, ``grade``, ``feedback``, ``export``, ``report``.

Every message is Simplified Chinese; bad input ends with a Chinese message and exit code 2,
never a traceback. See docs/teacher_guide.md for a walk-through with real output.

>>> main(["--version"])
cslab 0.1.0
0
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from . import __version__
from .errors import CslabError

__all__ = ["main", "build_parser"]

_EXIT_INPUT, _EXIT_FAILED, _EXIT_INTERRUPTED = 2, 1, 130

#: argparse's English messages → Chinese (argparse has no Chinese translation of its own)
_ARGPARSE_ZH = [
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid int value: (.*)", r"参数 \1 应为整数，收到 \2"),
    (r"argument (\S+): invalid float value: (.*)", r"参数 \1 应为数字，收到 \2"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1 无效：\2（可选：\3）"),
    (r"argument (\S+): expected one argument", r"参数 \1 需要一个值"),
    (r"argument (\S+): expected at least one argument", r"参数 \1 至少需要一个值"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
]


def _zh(message: str) -> str:
    for pattern, replacement in _ARGPARSE_ZH:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese section titles and error messages."""

    def __init__(self, *args, with_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if with_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(_EXIT_INPUT, f"{self.prog}：错误：{_zh(message)}\n（加 -h 查看帮助）\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，收到 {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，收到 {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为秒数，收到 {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"应为正数，收到 {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``cslab`` argument parser (Chinese help)."""
    parser = _Parser(prog="cslab", description="电子商务客服课程 · 教师命令行：建课、批量评分、反馈、导出成绩、班级分析。",
                     epilog="示例：\n  cslab course init 客服2301班 --students 名单.xlsx\n  cd 客服2301班\n"
                            "  nbgrader generate_assignment a01_product_lookup\n  cslab grade a01_product_lookup\n"
                            "  cslab feedback a01_product_lookup\n  cslab export\n  cslab report a01_product_lookup")
    parser.add_argument("--version", action="version", version=f"cslab {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="命令", parser_class=_Parser)

    course = sub.add_parser("course", help="建立课程目录", description="建立或补全一个 nbgrader 课程目录。")
    course_sub = course.add_subparsers(dest="action", title="命令", metavar="命令", parser_class=_Parser)
    init = course_sub.add_parser(
        "init", help="新建课程：配置、作业源文件、成绩库、学生名单",
        description="新建（或补全）课程目录：写入 nbgrader_config.py，复制作业源文件，建立成绩库 gradebook.db，"
                    "并可导入学生名单。已有的文件不会被覆盖，可以重复运行来导入新名单。\n\n"
                    "名单：CSV（UTF-8 或 GBK）或 Excel .xlsx，表头含“学号”“姓名”（可选“邮箱”）。"
                    "姓名整体存入 nbgrader 的 last_name，first_name 留空（中文姓名不拆分）。")
    init.add_argument("directory", metavar="目录", help="课程目录（不存在时新建）")
    init.add_argument("--students", metavar="名单文件", help="学生名单 .csv 或 .xlsx")
    init.add_argument("--course-id", metavar="课程代号",
                      help="nbgrader 交换目录用的课程代号（学校服务器上与 JupyterHub 的设置一致；默认 cslab）")

    grade = sub.add_parser(
        "grade", help="批量自动评分（并行）",
        description="自动评分 submitted/<学号>/<作业>/ 下的每份提交，分数与 nbgrader autograde 完全一致。\n"
                    "多个进程并行运行学生的笔记本；每份提交的成绩在一个数据库事务里写入，中途按 Ctrl-C 不会留下半份成绩。\n"
                    "再次运行时，未改动且已评分的提交会跳过（--force 全部重评）。")
    grade.add_argument("assignment", metavar="作业", help="作业名，如 a01_product_lookup")
    grade.add_argument("--workers", type=_positive_int, metavar="N", help="并行进程数（默认：本机或容器可用的 CPU 核数）")
    grade.add_argument("--timeout", type=_positive_float, metavar="秒",
                       help="每个单元格的时限：超时的单元格被中断、记 0 分，其余照常评分（默认：nbgrader_config.py 的 Execute.timeout）")
    grade.add_argument("--max-time", type=_positive_float, metavar="秒",
                       help="每份提交的总时限，超过就强行停止这份提交（默认：单元格时限的 10 倍，至少 120 秒）")
    grade.add_argument("--student", nargs="+", metavar="学号", help="只评这些学号")
    grade.add_argument("--force", action="store_true", help="重新评已评过且未改动的提交")

    feedback = sub.add_parser(
        "feedback", help="生成学生反馈（不含隐藏测试）",
        description="为已评分的提交生成反馈网页 feedback/<学号>/<作业>/*.html。\n"
                    "隐藏测试的代码和报错信息不会出现，只显示“隐藏测试：通过/未通过”和得分。")
    feedback.add_argument("assignment", metavar="作业")
    feedback.add_argument("--student", nargs="+", metavar="学号", help="只为这些学号生成")

    export = sub.add_parser("export", help="导出成绩表（CSV 和 Excel）",
                            description="导出全班成绩：grades.csv（UTF-8 带 BOM，Excel 可直接打开）和 grades.xlsx，"
                                        "列为 学号、姓名、各次作业、总分。")
    export.add_argument("--out", metavar="目录", help="输出目录（默认：课程目录下的 exports/）")

    report = sub.add_parser("report", help="班级成绩分析（表格和图表）",
                            description="一次作业的班级分析：成绩分布、每题难度 P 与区分度 D（高低分组各 27%）、"
                                        "题总相关 r、常见错误；写出 CSV 表格和 PNG 图表。")
    report.add_argument("assignment", metavar="作业")
    report.add_argument("--out", metavar="目录", help="输出目录（默认：reports/<作业>/）")
    for command in (grade, feedback, export, report):
        command.add_argument("-C", "--course", default=".", metavar="目录", help="课程目录（默认：当前目录）")
    return parser


def _line(text: str = "") -> None:
    print(text, flush=True)


def _cmd_course_init(args) -> int:
    from .grading import init_course

    course = init_course(args.directory, args.students, course_id=args.course_id, out=_line)
    rel = os.path.relpath(course.root)
    _line(f"\n课程已就绪：{course.root}")
    _line("下一步：\n"
          f"  cd {rel}\n"
          "  nbgrader generate_assignment a01_product_lookup   # 生成学生版 → release/\n"
          "  # 把学生交回的笔记本放到 submitted/<学号>/a01_product_lookup/ 下，然后：\n"
          "  cslab grade a01_product_lookup")
    return 0


def _cmd_grade(args) -> int:
    from .grading import grade_assignment
    from .grading._text import format_points, format_seconds, format_table

    report = grade_assignment(args.assignment, args.course, workers=args.workers, timeout=args.timeout,
                              max_time=args.max_time, students=args.student, force=args.force, out=_line)
    rows = [[r.student_id, r.name, format_points(r.score), format_points(r.max_score), r.status, r.note]
            for r in report.results]
    _line()
    _line(format_table(["学号", "姓名", "得分", "满分", "状态", "说明"], rows, "<<>><<"))
    counts = "，".join(f"{k} {v}" for k, v in report.counts().items())
    _line(f"\n共 {len(report.results)} 份：{counts}；用时 {format_seconds(report.elapsed)}")
    if report.not_submitted:
        _line(f"名单中没有提交的 {len(report.not_submitted)} 人：" + "、".join(f"{sid} {name}".strip()
                                                                  for sid, name in report.not_submitted))
    for r in report.results:
        for warning in r.warnings:
            _line(f"注意：{r.student_id} {warning}（请人工检查）")
    if report.changed_files:
        _line("注意：评分期间下列课程文件有变动（可能是学生代码写到了作业文件夹以外）：")
        for name in report.changed_files[:20]:
            _line(f"  {name}")
    if report.backup:
        _line(f"评分前的成绩库已备份到 {os.path.relpath(report.backup, report.backup.parents[2])}")
    _line(f"详细日志：{report.log_path}")
    return _EXIT_FAILED if any(r.status == "出错" for r in report.results) else 0


def _cmd_feedback(args) -> int:
    from .grading import generate_feedback

    pages = generate_feedback(args.assignment, args.course, students=args.student, out=_line)
    students = sorted({p.parent.parent.name for p in pages})
    _line(f"已生成 {len(pages)} 个反馈网页（{len(students)} 名学生），位置：feedback/<学号>/{args.assignment}/")
    _line("反馈中不含隐藏测试的代码和报错信息，只显示“隐藏测试：通过/未通过”和得分。")
    return 0


def _cmd_export(args) -> int:
    from .grading import export_grades
    from .grading._text import format_points, format_table

    result = export_grades(args.course, args.out)
    rows = [[format_points(c) if isinstance(c, float) else c for c in row] for row in result["rows"]]
    _line(format_table(result["headers"], rows[:15], "<<" + ">" * (len(result["headers"]) - 2)))
    if len(rows) > 15:
        _line(f"……共 {len(rows)} 名学生")
    _line(f"\n已导出：{result['csv']}（UTF-8 带 BOM）\n      {result['xlsx']}")
    return 0


def _cmd_report(args) -> int:
    from .grading import class_report
    from .grading._text import format_points, format_table

    result = class_report(args.assignment, args.course, args.out)
    s = result["summary"]
    _line(f"{args.assignment}：{s['人数']} 人，满分 {format_points(s['满分'])}；平均 {s['平均分']:.1f}，"
          f"中位数 {format_points(s['中位数'])}，标准差 {s['标准差']:.1f}，最高 {format_points(s['最高分'])}，"
          f"最低 {format_points(s['最低分'])}，及格率 {s['及格率']:.0%}")
    _line("等级：" + "，".join(f"{k} {v} 人" for k, v in result["bands"].items()))
    r2 = lambda v: "—" if v is None else f"{v:.2f}"  # noqa: E731
    _line()
    _line(format_table(["题目", "满分", "平均分", "难度P", "区分度D", "题总相关r", "评价"],
                       [[r[0], format_points(r[1]), r2(r[2]), r2(r[3]), r2(r[4]), r2(r[5]), r[6]]
                        for r in result["items"]], "<>>>>><"))
    if result["failures"]:
        _line("\n常见错误（前 10 条）：")
        _line(format_table(["题目", "未通过的原因", "人数", "占比"],
                           [[r[0], r[1], r[2], f"{r[3]:.0%}"] for r in result["failures"][:10]], "<<>>"))
    _line(f"\n已写出：{result['folder']}/  " + "、".join(p.name for p in result["files"]))
    return 0


_COMMANDS = {"grade": _cmd_grade, "feedback": _cmd_feedback, "export": _cmd_export, "report": _cmd_report}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cslab`` command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    try:
        if args.command == "course":
            if args.action != "init":
                print("用法：cslab course init 目录 [--students 名单文件]（加 -h 查看帮助）", file=sys.stderr)
                return _EXIT_INPUT
            return _cmd_course_init(args)
        if args.command is None:
            parser.print_help()
            return _EXIT_INPUT
        return _COMMANDS[args.command](args)
    except CslabError as exc:
        from .grading._autograde import Interrupted

        print(f"{'' if isinstance(exc, Interrupted) else '错误：'}{exc}", file=sys.stderr, flush=True)
        return _EXIT_INTERRUPTED if isinstance(exc, Interrupted) else _EXIT_INPUT
    except KeyboardInterrupt:
        print("\n已中断。", file=sys.stderr, flush=True)
        return _EXIT_INTERRUPTED
    except BrokenPipeError:  # `cslab … | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return _EXIT_FAILED
    except OSError as exc:
        print(f"错误：无法读写文件 {exc.filename or ''}：{exc.strerror or exc}", file=sys.stderr, flush=True)
        return _EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
