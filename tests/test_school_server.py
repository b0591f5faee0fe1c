"""A school server on loopback: JupyterHub + nbgrader's exchange, one teacher and two students.

Everything in deploy/school/ is used as a school would use it: an environment every user can run
(built from a system Python, like /opt/cslab/env), ``setup_course.py`` as root (system accounts,
exchange, teacher-only tools, course folder), ``jupyterhub -f jupyterhub_config.py`` with its
proxy (configurable-http-proxy from the npm registry). The round trip goes through the hub as a
browser would (log-in form, each user's own server): the teacher generates and releases an
assignment in the formgrader, each student fetches, fills in and submits it through the
assignment list, the teacher collects in the formgrader, grades with ``cslab grade`` and releases
``cslab feedback``, and both students' grades appear in the formgrader. Then the refusals: a
student has no formgrader, cannot reach the teacher's server, gradebook or course, cannot list or
read another student's submission or feedback, and cannot release or collect; what a student's
code can do is what their system account can do, so those attempts run as that account.

Needs root (system accounts), ``setpriv``, a Python readable by every account (``/usr/bin/python3``;
.ci/run installs it), uv, and node/npm or configurable-http-proxy. Everything it starts or creates
(processes, accounts, folders) is removed at the end.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHOOL = ROOT / "deploy" / "school"
AID = "a01_product_lookup"
SYSTEM_PYTHON = os.environ.get("CSLAB_HUB_PYTHON", "/usr/bin/python3")
CHP_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cslab" / "configurable-http-proxy"

pytestmark = [pytest.mark.slow, pytest.mark.serial]


def _missing() -> str | None:
    if sys.platform != "linux":
        return "the school server runs on Linux"
    if os.geteuid() != 0:
        return "needs root: it creates system accounts (CI runs as root)"
    for tool in ("useradd", "userdel", "chpasswd", "setpriv"):
        if shutil.which(tool) is None:
            return f"{tool} is missing"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} is missing (.ci/run installs Debian's python3)"
    if shutil.which("configurable-http-proxy") is None and shutil.which("npm") is None:
        return "neither configurable-http-proxy nor npm is installed (.ci/run installs npm)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _timed(label: str, times: dict):
    @contextlib.contextmanager
    def block():
        start = time.monotonic()
        yield
        times[label] = round(time.monotonic() - start, 1)
    return block()


def _uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not os.access(found, os.X_OK):
        pytest.fail("uv is needed to build the server environment (make installs it into .venv)")
    return found


def _proxy_command() -> str:
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    binary = CHP_CACHE / "node_modules" / ".bin" / "configurable-http-proxy"
    if not binary.exists():
        CHP_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error",
                        "--prefix", str(CHP_CACHE), "configurable-http-proxy@5"],
                       check=True, capture_output=True, timeout=300)
    return str(binary)


def _as_user(name: str, code: str, base: Path) -> subprocess.CompletedProcess:
    """Run Python code as that system account, with the server environment (what their kernel can do)."""
    import pwd

    entry = pwd.getpwnam(name)
    env = {"HOME": entry.pw_dir, "USER": name, "LOGNAME": name, "LANG": "C.UTF-8",
           "PATH": f"{base / 'env' / 'bin'}:/usr/bin:/bin"}
    return subprocess.run(["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups",
                           str(base / "env" / "bin" / "python"), "-c", code],
                          env=env, cwd=entry.pw_dir, capture_output=True, text=True, timeout=300)


class HubUser:
    """A person in a browser: logs in with the form, starts their server, calls its APIs."""

    def __init__(self, base_url: str, name: str, password: str):
        import requests

        self.base, self.name = base_url, name
        self.http = requests.Session()
        form = self.http.get(f"{base_url}/hub/login", timeout=30)
        assert form.status_code == 200, form.text[:300]
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        done = self.http.post(f"{base_url}/hub/login?next=/hub/spawn",
                              data={"username": name, "password": password, "_xsrf": xsrf}, timeout=120)
        assert done.status_code == 200 and "/hub/login" not in done.url, f"{name} could not log in: {done.url}"
        self.wait_for_server()

    def wait_for_server(self, timeout: float = 120) -> None:
        """Open the user's JupyterLab (the OAuth round trip sets the server's cookies) once it is up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = self.http.get(f"{self.base}/user/{self.name}/lab", timeout=60)
            if page.status_code == 200 and page.url.startswith(f"{self.base}/user/{self.name}/lab") \
                    and "jupyter-config-data" in page.text:
                status = self.request("GET", "api/status")
                assert status.status_code == 200, (status.status_code, status.text[:200])
                return
            time.sleep(1)
        raise AssertionError(f"{self.name}'s server did not start: {page.status_code} {page.url}")

    def request(self, method: str, path: str, owner: str | None = None, **kwargs):
        """A request to ``/user/<owner>/<path>`` (own server unless ``owner``), with the XSRF header."""
        owner = owner or self.name
        xsrf = self.http.cookies.get("_xsrf", path=f"/user/{self.name}/") or ""
        headers = {"X-XSRFToken": xsrf, **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.base}/user/{owner}/{path}", headers=headers,
                                 timeout=kwargs.pop("timeout", 300), **kwargs)


@pytest.fixture(scope="module")
def school():
    """Build the environment, set up the course, start JupyterHub; remove everything afterwards."""
    why = _missing()
    if why:
        pytest.skip(why)
    times: dict[str, float] = {}
    base = Path(tempfile.mkdtemp(prefix="cslab-hub-", dir="/tmp"))
    os.chmod(base, 0o755)
    tag = secrets.token_hex(2)
    teacher, students = f"cslabt{tag}", [f"cslabs{tag}a", f"cslabs{tag}b"]
    passwords = {name: secrets.token_urlsafe(12) for name in [teacher, *students]}
    hub = None
    try:
        with _timed("environment", times):
            subprocess.run([_uv(), "venv", "-q", "--python", SYSTEM_PYTHON, str(base / "env")], check=True)
            subprocess.run([_uv(), "pip", "install", "-q", "--compile-bytecode", "--python",
                            str(base / "env" / "bin" / "python"), f"{ROOT}[hub]"], check=True, timeout=900)
        with _timed("proxy", times):
            proxy = _proxy_command()
        etc = base / "etc"
        etc.mkdir()
        with open(etc / "students.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["学号", "姓名", "初始密码"])
            writer.writerow([students[0], "张三", passwords[students[0]]])
            writer.writerow([students[1], "欧阳娜娜", passwords[students[1]]])
        port = _free_port()
        settings = {
            "course_id": "ecs-test", "teachers": [teacher], "students_file": "students.csv",
            "accounts_file": str(etc / "accounts.csv"), "exchange": str(base / "exchange"),
            "lessons_dir": str(base / "lessons"), "state_dir": str(base / "state"),
            "teacher_config_dir": str(base / "teacher"), "home_root": str(base / "home"),
            "bind_url": f"http://127.0.0.1:{port}",
        }
        (etc / "course.yaml").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
        (base / "home").mkdir(mode=0o755)
        with _timed("setup_course", times):
            done = subprocess.run([str(base / "env" / "bin" / "python"), str(SCHOOL / "setup_course.py"),
                                   str(etc / "course.yaml")], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        # the teacher's password was generated: read it where setup_course.py put it for the admin
        with open(etc / "accounts.csv", encoding="utf-8-sig") as fh:
            generated = {row["用户名"]: row["初始密码"] for row in csv.DictReader(fh)}
        passwords[teacher] = generated[teacher]

        log = open(base / "jupyterhub.log", "w", encoding="utf-8")
        env = dict(os.environ, CSLAB_COURSE_SETTINGS=str(etc / "course.yaml"),
                   PATH=f"{base / 'env' / 'bin'}:{Path(proxy).parent}:{os.environ.get('PATH', '')}")
        with _timed("hub_start", times):
            hub = subprocess.Popen(
                [str(base / "env" / "bin" / "jupyterhub"), "-f", str(SCHOOL / "jupyterhub_config.py"),
                 f"--ConfigurableHTTPProxy.command={proxy}",
                 f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{_free_port()}",
                 f"--JupyterHub.hub_bind_url=http://127.0.0.1:{_free_port()}"],
                cwd=base / "state", env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            import urllib.request

            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/health", timeout=2)
                    break
                except OSError:
                    if hub.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError("JupyterHub did not start:\n" + (base / "jupyterhub.log").read_text())
                    time.sleep(0.5)
        yield {"base": base, "url": f"http://127.0.0.1:{port}", "teacher": teacher, "students": students,
               "passwords": passwords, "course": "ecs-test", "times": times, "setup_output": done.stdout}
    finally:
        if hub is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(hub.pid, signal.SIGTERM)  # the hub stops the users' servers and its proxy
            try:
                hub.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(hub.pid, signal.SIGKILL)
        for name in [teacher, *students]:
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(base / "jupyterhub.log", artifacts / "school_server_jupyterhub.log")
        shutil.rmtree(base, ignore_errors=True)
        print(f"\nschool server phases (s): {times}")


def _solution_cells(source: Path) -> dict[str, str]:
    """grade_id → source of each solution cell in the teacher's source notebook."""
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    out = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out[meta["grade_id"]] = re.sub(r"(?m)^\s*### (BEGIN|END) SOLUTION\s*$\n?", "", text)
    return out


def _fill_in(user: HubUser, path: str, answers: dict[str, str]) -> None:
    """Open the fetched notebook through the server's contents API, write answers, save it."""
    reply = user.request("GET", f"api/contents/{path}", params={"content": 1})
    assert reply.status_code == 200, (reply.status_code, reply.text[:200])
    model = reply.json()
    for cell in model["content"]["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    saved = user.request("PUT", f"api/contents/{path}",
                         json={"type": "notebook", "format": "json", "content": model["content"]})
    assert saved.status_code == 200, (saved.status_code, saved.text[:200])


def test_release_fetch_submit_collect_grade(school):
    """Teacher releases → both students fetch, fill in, submit → teacher collects, grades → grades appear."""
    times, course = school["times"], school["course"]
    assert "课程目录" in school["setup_output"] and "教师工具只对教师打开" in school["setup_output"]
    with _timed("logins", times):
        teacher = HubUser(school["url"], school["teacher"], school["passwords"][school["teacher"]])
        s1, s2 = (HubUser(school["url"], n, school["passwords"][n]) for n in school["students"])

    with _timed("release", times):
        for step in ("assign", "release"):
            reply = teacher.request("POST", f"formgrader/api/assignment/{AID}/{step}")
            assert reply.status_code == 200 and reply.json().get("success"), (step, reply.text[:500])

    solutions = _solution_cells(ROOT / "source_assignments" / AID / f"{AID}.ipynb")
    assert len(solutions) >= 4
    half = dict(list(solutions.items())[:2])
    with _timed("students", times):
        for user, answers in ((s1, solutions), (s2, half)):
            listed = user.request("GET", "assignments", params={"course_id": course}).json()
            assert listed["success"] and [a["assignment_id"] for a in listed["value"]] == [AID], listed
            assert listed["value"][0]["status"] == "released"
            fetched = user.request("POST", "assignments/fetch", data={"course_id": course, "assignment_id": AID})
            assert fetched.status_code == 200 and fetched.json()["success"], fetched.text[:500]
            _fill_in(user, f"{AID}/{AID}.ipynb", answers)
            submitted = user.request("POST", "assignments/submit", data={"course_id": course, "assignment_id": AID})
            assert submitted.status_code == 200 and submitted.json()["success"], submitted.text[:500]

    with _timed("collect", times):
        reply = teacher.request("POST", f"formgrader/api/assignment/{AID}/collect")
        assert reply.status_code == 200 and reply.json().get("success"), reply.text[:500]

    course_dir = f"~/{course}"
    with _timed("grade_and_feedback", times):
        # in the teacher's terminal: cslab grade and cslab feedback, in the course folder
        done = _as_user(school["teacher"], (
            "import os, subprocess, sys\n"
            f"os.chdir(os.path.expanduser({course_dir!r}))\n"
            f"g = subprocess.run(['cslab', 'grade', {AID!r}], capture_output=True, text=True)\n"
            f"f = subprocess.run(['cslab', 'feedback', {AID!r}], capture_output=True, text=True)\n"
            "print(g.stdout, g.stderr, f.stdout, f.stderr)\n"
            "sys.exit(g.returncode or f.returncode)\n"), school["base"])
        assert done.returncode == 0, done.stdout + done.stderr
        assert "张三" in done.stdout and "欧阳娜娜" in done.stdout, done.stdout
        reply = teacher.request("POST", f"formgrader/api/assignment/{AID}/release_feedback")
        assert reply.status_code == 200 and reply.json().get("success"), reply.text[:500]

    reply = teacher.request("GET", f"formgrader/api/submissions/{AID}")
    assert reply.status_code == 200, reply.text[:300]
    scores = {row["student"]: row for row in reply.json()}
    first, second = (scores[n] for n in school["students"])
    assert first["score"] == first["max_score"] > 0, first
    assert 0 < second["score"] < second["max_score"], second
    assert first["last_name"] == "张三" and second["last_name"] == "欧阳娜娜"

    fetched = s1.request("POST", "assignments/fetch_feedback", data={"course_id": course, "assignment_id": AID})
    assert fetched.status_code == 200 and fetched.json()["success"], fetched.text[:300]
    listed = s1.request("GET", "assignments", params={"course_id": course}).json()["value"]
    feedback = [sub for a in listed for sub in a.get("submissions", []) if sub.get("has_local_feedback")]
    assert feedback, f"{school['students'][0]} has no feedback after fetching it: {listed}"
    page = s1.request("GET", f"api/contents/{AID}/feedback/{feedback[0]['timestamp']}/{AID}.html",
                      params={"content": 1})
    assert page.status_code == 200 and "得分" in page.json()["content"], page.text[:300]
    school["state"] = {"teacher": teacher, "s1": s1, "s2": s2}


def test_students_are_refused_the_teachers_tools_and_each_others_work(school):
    """No formgrader, no teacher's server or gradebook, no other student's work, no release or collect."""
    state = school.get("state")
    if state is None:
        pytest.fail("the round trip test must run first (it leaves the released, submitted course)")
    s1, s2, base = state["s1"], state["s2"], school["base"]
    teacher, (name1, name2), course = school["teacher"], school["students"], school["course"]

    # the hub: a student's own server has no formgrader; the teacher's server is not theirs to open
    assert s1.request("GET", "formgrader").status_code == 404
    assert s1.request("GET", "formgrader/api/assignments").status_code == 404
    assert s1.request("POST", f"formgrader/api/assignment/{AID}/release").status_code == 404
    for path in ("formgrader", "formgrader/api/submissions/" + AID, f"api/contents/{course}/gradebook.db"):
        reply = s1.request("GET", path, owner=teacher)
        assert reply.status_code == 403, (path, reply.status_code, reply.url)
    assert s1.request("POST", f"formgrader/api/assignment/{AID}/collect", owner=teacher).status_code == 403
    assert s1.request("GET", "api/contents", owner=name2).status_code == 403
    # the JupyterLab page of a student lists no teacher plugin as enabled
    page = s1.request("GET", "lab").text
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    disabled = set(config.get("disabledExtensions", []))
    teacher_only = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                    "@jupyter/nbgrader:create-assignment"}
    assert teacher_only <= disabled, disabled
    teacher_page = state["teacher"].request("GET", "lab").text
    teacher_config = json.loads(re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', teacher_page, re.S).group(1))
    assert not teacher_only & set(teacher_config.get("disabledExtensions", [])), teacher_config["disabledExtensions"]
    assert state["teacher"].request("GET", f"formgrader/api/assignment/{AID}").status_code == 200

    # the files, as the student's own code would try (their kernel runs as their account)
    exchange = base / "exchange" / course
    teacher_home = Path(f"{base}/home/{teacher}")
    attempts = {
        "gradebook": f"open({str(teacher_home / course / 'gradebook.db')!r}, 'rb').read()",
        "teacher's course": f"os.listdir({str(teacher_home / course)!r})",
        "inbound": f"os.listdir({str(exchange / 'inbound')!r})",
        "released feedback": f"os.listdir({str(exchange / 'feedback')!r})",
        "other's home": f"os.listdir({str(base / 'home' / name1)!r})",
        "other's notebook": f"open({str(base / 'home' / name1 / AID / (AID + '.ipynb'))!r}).read()",
        "other's feedback": f"os.listdir({str(base / 'home' / name1 / AID / 'feedback')!r})",
    }
    for what, code in attempts.items():
        done = _as_user(name2, f"import os\n{code}\n", base)
        assert done.returncode != 0 and "PermissionError" in done.stderr, (what, done.stdout, done.stderr[-300:])
    guessed = _as_user(name2, f"import glob; print(glob.glob({str(exchange / 'inbound' / (name1 + '+*'))!r}))", base)
    assert guessed.stdout.strip() == "[]", guessed.stdout  # submissions cannot be found by name either

    # nbgrader's own commands, as a student: collect cannot read the inbox, release cannot overwrite
    done = _as_user(name2, (
        "import subprocess, sys\n"
        f"r = subprocess.run(['nbgrader', 'collect', {AID!r}, '--course', {course!r}], capture_output=True, text=True)\n"
        "print(r.stdout, r.stderr); sys.exit(r.returncode)\n"), base)
    assert done.returncode != 0 and "permission" in done.stdout.lower(), done.stdout[-500:]
    done = _as_user(name2, (
        "import os, subprocess, sys\n"
        f"os.makedirs('release/{AID}', exist_ok=True)\n"
        f"open('release/{AID}/{AID}.ipynb', 'w').write('{{}}')\n"
        f"r = subprocess.run(['nbgrader', 'release_assignment', {AID!r}, '--course', {course!r}, '--force'],\n"
        "                   capture_output=True, text=True)\n"
        "print(r.stdout, r.stderr); sys.exit(r.returncode)\n"), base)
    refused = done.stdout.lower()
    assert done.returncode != 0 and ("permission" in refused or "don't own" in refused), done.stdout[-500:]
    # and the teacher's released notebook in the exchange is unchanged
    released = exchange / "outbound" / AID / f"{AID}.ipynb"
    assert json.loads(released.read_text(encoding="utf-8"))["cells"], "a student overwrote the release"
