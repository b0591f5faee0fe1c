"""Set up one cslab course on a school's JupyterHub server (run as root, with the hub's Python).

    sudo /opt/cslab/env/bin/python deploy/school/setup_course.py /etc/cslab/course.yaml

Rerunnable: what exists is kept, what is missing is added (new students, a new teacher).
What it does, in order (docs/school_server.md explains each step in Chinese):

1. reads the course settings and the class list (学号,姓名[,初始密码]); nothing is changed when
   either is wrong;
2. creates a system account with a private home (mode 700) for every teacher and student, with
   the given or a random initial password (random ones go to ``accounts_file``, readable by root);
3. creates nbgrader's exchange directory and writes the environment-wide nbgrader config
   (course id, exchange), which every user's server reads;
4. switches the teacher tools off for everybody (formgrader, 创建作业) and writes the teachers'
   own Jupyter config, which switches them on again and points at the course folder; the hub
   gives teachers that config (``jupyterhub_config.py``);
5. copies the lessons to a read-only place the hub copies from on a student's first login;
6. creates each teacher's course folder with ``cslab course init`` (assignments, gradebook with
   the students' names), owned by the teacher and private to them.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
USERNAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
#: nbgrader's teacher-only parts: formgrader, the course list (it lists formgraders) and 创建作业
TEACHER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
TEACHER_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                       "@jupyter/nbgrader:create-assignment")
DEFAULTS = {
    "teachers": [],
    "students_file": None,
    "accounts_file": "/etc/cslab/accounts.csv",
    "exchange": "/srv/nbgrader/exchange",
    "lessons_dir": "/srv/cslab/lessons",
    "state_dir": "/srv/jupyterhub",
    "teacher_config_dir": "/etc/cslab/teacher",
    "home_root": "/home",
    "bind_url": "http://127.0.0.1:8000",
    "concurrent_spawn_limit": 60,
}


class SetupError(Exception):
    """A setting or the class list is wrong; the message (Chinese) says what to fix."""


def load_settings(path) -> dict:
    """The course settings (course.yaml) with defaults filled in and checked."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise SetupError(f"找不到课程设置文件 {path}：请先把 deploy/school/course.yaml 复制过去再修改。") from None
    except yaml.YAMLError as err:
        raise SetupError(f"{path} 不是有效的 YAML：{err}") from None
    settings = dict(DEFAULTS, **raw)
    course_id = str(settings.get("course_id") or "")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,39}", course_id):
        raise SetupError(f"{path}：course_id “{course_id}”不合适，只能用字母、数字、下划线和短横线，以字母开头。")
    teachers = settings["teachers"]
    if not teachers or not isinstance(teachers, list):
        raise SetupError(f"{path}：teachers 至少要有一位教师的用户名（列表）。")
    for name in teachers:
        _check_username(str(name), f"{path} 的 teachers")
    for key in ("exchange", "lessons_dir", "state_dir", "teacher_config_dir", "home_root"):
        if not os.path.isabs(str(settings[key])):
            raise SetupError(f"{path}：{key} 必须是绝对路径（现在是 {settings[key]}）。")
    settings["teachers"] = [str(t) for t in teachers]
    if settings["students_file"]:
        settings["students_file"] = str(path.parent / settings["students_file"])
    return settings


def _check_username(name: str, where: str) -> None:
    if not USERNAME.fullmatch(name):
        raise SetupError(f"{where}：用户名“{name}”不能作系统账号，要以小写字母开头，只含小写字母、数字、"
                         "下划线和短横线（学号是纯数字时前面加字母，例如 s2026010101）。")


def read_students(path) -> list[dict]:
    """学号, 姓名 and an optional 初始密码 per student, from the class list (UTF-8 or GBK CSV, or .xlsx)."""
    from cslab.grading._roster import parse_roster_rows, read_table

    rows = read_table(path)
    students = parse_roster_rows(rows, source=Path(path).name)  # Chinese errors: duplicates, bad ids …
    passwords = _password_column(rows)
    out = []
    for student in students:
        _check_username(student.id, f"名单 {Path(path).name}")
        out.append({"id": student.id, "name": student.name, "password": passwords.get(student.id, "")})
    return out


def _password_column(rows: list[list[str]]) -> dict[str, str]:
    """学号 → 初始密码 when the class list has that column."""
    header = next((row for row in rows if any(row)), [])
    names = [re.sub(r"\s", "", h) for h in header]
    if "初始密码" not in names or "学号" not in names:
        return {}
    i_id, i_pw = names.index("学号"), names.index("初始密码")
    return {r[i_id]: r[i_pw] for r in rows[rows.index(header) + 1:] if len(r) > max(i_id, i_pw) and r[i_pw]}


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SetupError(f"命令失败：{' '.join(argv)}\n{done.stdout}{done.stderr}")
    return done


def ensure_account(name: str, home_root: str, password: str) -> tuple[bool, str]:
    """Create the system account if missing; returns (created, password set or '')."""
    try:
        pwd.getpwnam(name)
        created = False
    except KeyError:
        _run(["useradd", "--create-home", "--home-dir", f"{home_root}/{name}", "--shell", "/bin/bash", name])
        created = True
    home = Path(pwd.getpwnam(name).pw_dir)
    os.chmod(home, 0o700)  # nobody reads another person's notebooks, fetched feedback or grades
    if created:
        password = password or secrets.token_urlsafe(9)
        _run(["chpasswd"], input=f"{name}:{password}\n")
        return True, password
    return False, ""


def write_environment_config(settings: dict) -> Path:
    """nbgrader config for every user of this Python environment: the course id and the exchange."""
    folder = Path(sys.prefix) / "etc" / "jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "nbgrader_config.py"
    target.write_text(
        '"""Written by cslab setup_course.py: every user\'s nbgrader finds the course and the exchange."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {settings['course_id']!r}\n"
        f"c.Exchange.root = {settings['exchange']!r}\n", encoding="utf-8")
    return target


def switch_off_teacher_tools() -> None:
    """Students get no formgrader, course list or 创建作业 toolbar (environment-wide).

    The lab plugins are also locked: JupyterLab's plugin manager cannot switch them back on
    for a student (the teachers' own config enables them).
    """
    jupyter = str(Path(sys.prefix) / "bin" / "jupyter")
    _run([jupyter, "server", "extension", "disable", "--sys-prefix", *TEACHER_SERVER_EXTENSIONS])
    _run([jupyter, "labextension", "disable", "--level=sys_prefix", *TEACHER_LAB_PLUGINS])
    _run([jupyter, "labextension", "lock", "--level=sys_prefix", *TEACHER_LAB_PLUGINS])


def write_teacher_config(settings: dict) -> Path:
    """The teachers' Jupyter config folder (the hub puts it on their JUPYTER_CONFIG_PATH)."""
    folder = Path(settings["teacher_config_dir"])
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {e: True for e in TEACHER_SERVER_EXTENSIONS}}}, indent=2),
        encoding="utf-8")
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {p: False for p in TEACHER_LAB_PLUGINS}}, indent=2), encoding="utf-8")
    course_id = settings["course_id"]
    (folder / "nbgrader_config.py").write_text(
        '"""Written by cslab setup_course.py: the formgrader of a teacher works on ~/<course_id>."""\n'
        "import os\n\n"
        "c = get_config()  # noqa: F821\n"
        f"_root = os.path.expanduser({'~/' + course_id!r})\n"
        "if os.path.isfile(os.path.join(_root, 'nbgrader_config.py')):\n"
        "    load_subconfig(os.path.join(_root, 'nbgrader_config.py'))  # noqa: F821 (the course's own settings)\n"
        "c.CourseDirectory.root = _root\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n", encoding="utf-8")
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


def copy_lessons(settings: dict) -> Path | None:
    """The lessons, read-only, where the hub copies them from on a student's first login."""
    source = REPO / "lessons"
    if not source.is_dir():
        return None
    target = Path(settings["lessons_dir"])
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for path in [target, *target.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return target


def make_exchange(settings: dict) -> Path:
    """nbgrader's exchange: everyone may write (nbgrader sets the inner folders' permissions)."""
    exchange = Path(settings["exchange"])
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o777)  # what nbgrader release_assignment expects (it warns otherwise)
    return exchange


def init_teacher_course(teacher: str, settings: dict, roster: str | None) -> Path:
    """``cslab course init ~teacher/<course_id>`` run as the teacher (their files, their gradebook)."""
    entry = pwd.getpwnam(teacher)
    course = Path(entry.pw_dir) / settings["course_id"]
    argv = [str(Path(sys.prefix) / "bin" / "cslab"), "course", "init", str(course),
            "--course-id", settings["course_id"]]
    if roster:
        copy = Path(entry.pw_dir) / ".cslab-students.csv"
        shutil.copy(roster, copy)
        os.chown(copy, entry.pw_uid, entry.pw_gid)
        argv += ["--students", str(copy)]
    env = {"HOME": entry.pw_dir, "USER": teacher, "LOGNAME": teacher, "LANG": "C.UTF-8",
           "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin"}
    _run(["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups", *argv],
         env=env, cwd=entry.pw_dir)
    return course


def setup(settings_file, out=print) -> dict:
    """Everything above, in order; returns what was created (for the report and the tests)."""
    if os.geteuid() != 0:
        raise SetupError("请用 root 运行（sudo）：要创建系统账号和共享目录。")
    settings = load_settings(settings_file)
    students = read_students(settings["students_file"]) if settings["students_file"] else []
    taken = set(settings["teachers"]) & {s["id"] for s in students}
    if taken:
        raise SetupError(f"这些用户名既是教师又是学生：{'、'.join(sorted(taken))}。")
    new_accounts = []
    for name in settings["teachers"]:
        created, password = ensure_account(name, settings["home_root"], "")
        if created:
            new_accounts.append((name, "教师", password))
    for student in students:
        created, password = ensure_account(student["id"], settings["home_root"], student["password"])
        if created:
            new_accounts.append((student["id"], student["name"], password))
    out(f"账号：新建 {len(new_accounts)} 个，共 {len(settings['teachers']) + len(students)} 个")
    if new_accounts:
        accounts = Path(settings["accounts_file"])
        accounts.parent.mkdir(parents=True, exist_ok=True)
        new_file = not accounts.exists()
        with open(os.open(accounts, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a",
                  encoding="utf-8-sig" if new_file else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            if new_file:
                writer.writerow(["用户名", "姓名", "初始密码"])
            writer.writerows(new_accounts)
        out(f"新账号的初始密码已写入 {accounts}（只有 root 能读）")
    out(f"交换目录：{make_exchange(settings)}")
    out(f"nbgrader 设置：{write_environment_config(settings)}")
    switch_off_teacher_tools()
    out(f"教师工具只对教师打开：{write_teacher_config(settings)}")
    lessons = copy_lessons(settings)
    out(f"课件：{lessons}" if lessons else "课件：没有找到 lessons/，跳过")
    Path(settings["state_dir"]).mkdir(parents=True, exist_ok=True)
    os.chmod(settings["state_dir"], 0o700)
    courses = [init_teacher_course(t, settings, settings["students_file"]) for t in settings["teachers"]]
    for course in courses:
        os.chmod(course, 0o700)
        out(f"课程目录：{course}")
    return {"settings": settings, "accounts": new_accounts, "courses": courses}


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else "/etc/cslab/course.yaml"
    try:
        setup(path)
    except SetupError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except Exception as err:  # e.g. cslab's InputError for a broken class list
        if type(err).__module__.startswith("cslab"):
            print(f"错误：{err}", file=sys.stderr)
            return 2
        raise
    print("完成。启动 JupyterHub：jupyterhub -f deploy/school/jupyterhub_config.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
