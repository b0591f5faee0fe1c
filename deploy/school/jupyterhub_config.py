"""JupyterHub for one cslab course on one school server (teachers and students with system accounts).

    jupyterhub -f deploy/school/jupyterhub_config.py

Reads the same settings as setup_course.py: ``/etc/cslab/course.yaml``, or the file named by the
environment variable ``CSLAB_COURSE_SETTINGS``. Run setup_course.py first.

- Log-in with the system accounts (PAM); only the course's teachers and students may log in.
- nbgrader's course groups: ``formgrade-<course_id>`` (teachers), ``nbgrader-<course_id>`` (students).
- Every user's server runs as their own system user (LocalProcessSpawner) from this Python
  environment. Teachers get the teacher config folder on ``JUPYTER_CONFIG_PATH``: formgrader and
  创建作业 on, course folder ~/<course_id>. Students do not, so they have neither.
- On a student's first start the lessons are copied into ~/课件 (their own copy to work in).
"""

import os
import pwd
import shutil
import sys
from pathlib import Path

import yaml

c = get_config()  # noqa: F821 (provided by JupyterHub)

_settings_file = os.environ.get("CSLAB_COURSE_SETTINGS", "/etc/cslab/course.yaml")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_course import load_settings, read_students  # noqa: E402 (one reader for both files)

S = load_settings(_settings_file)
COURSE = S["course_id"]
TEACHERS = set(S["teachers"])
STUDENTS = {s["id"] for s in read_students(S["students_file"])} if S["students_file"] else set()
LESSONS_FOLDER = "课件"

c.JupyterHub.bind_url = S["bind_url"]
c.JupyterHub.db_url = f"sqlite:///{S['state_dir']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{S['state_dir']}/jupyterhub_cookie_secret"
c.JupyterHub.concurrent_spawn_limit = int(S["concurrent_spawn_limit"])
c.ConfigurableHTTPProxy.pid_file = f"{S['state_dir']}/jupyterhub-proxy.pid"

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = TEACHERS | STUDENTS
c.Authenticator.admin_users = set(S.get("admins") or [])  # hub admins see everyone's server: keep empty
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": sorted(TEACHERS)},
    f"nbgrader-{COURSE}": {"users": sorted(STUDENTS)},
}

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(Path(sys.prefix) / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {"LANG": "C.UTF-8", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 90


def _prepare(spawner):
    """Teachers get the teacher tools; a student's first start copies the lessons into their home."""
    name = spawner.user.name
    if name in TEACHERS:
        spawner.environment["JUPYTER_CONFIG_PATH"] = S["teacher_config_dir"]
        return
    source, entry = Path(S["lessons_dir"]), pwd.getpwnam(name)
    target = Path(entry.pw_dir) / LESSONS_FOLDER
    if source.is_dir() and not target.exists():
        shutil.copytree(source, target)
        for path in [target, *target.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
        spawner.default_url = f"/lab/tree/{LESSONS_FOLDER}/00_index.ipynb"


c.Spawner.pre_spawn_hook = _prepare
