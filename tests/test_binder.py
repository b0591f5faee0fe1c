"""Binder: binder/ pins what pyproject.toml needs, and an environment built from it runs a lesson.

Fast tests keep ``binder/requirements.in`` identical to ``[project.dependencies]`` and check that
``binder/requirements.txt`` (compiled by ``make binder-lock``) pins every one of them for the
Python named in ``binder/runtime.txt``. The slow test replays what repo2docker does with binder/
in a fresh virtual environment (install requirements.txt, run postBuild from the repository root
with the environment's bin/ first on PATH), checks the Chinese UI setting and nbgrader's student
and teacher extensions, then executes a lesson with that environment's kernel. It prints each
phase's time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
#: a lesson with widgets that runs in a few seconds
LESSON = "lessons/01_cs_basics.ipynb"

#: nbgrader's teacher tools, switched off for Binder's self-learners, and the student tools kept
TEACHER_SERVER = {"nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"}
STUDENT_SERVER = {"nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.validate_assignment"}
TEACHER_LAB = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment"}


def _requirement_lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _by_name(requirements) -> dict[str, Requirement]:
    parsed = [Requirement(r) for r in requirements]
    return {canonicalize_name(r.name): r for r in parsed}


def _pyproject_dependencies() -> dict[str, Requirement]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return _by_name(tomllib.load(fh)["project"]["dependencies"])


def _pins() -> dict[str, Version]:
    pins = {}
    for line in _requirement_lines(BINDER / "requirements.txt"):
        name, sep, version = line.partition("==")
        assert sep and version.strip(), f"binder/requirements.txt: {line!r} is not pinned with =="
        pins[canonicalize_name(name.strip())] = Version(version.strip())
    return pins


def _runtime_version() -> str:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), f"binder/runtime.txt: {runtime!r}"
    return runtime.removeprefix("python-")


def test_requirements_in_matches_pyproject():
    """binder/requirements.in names the same distributions, with the same bounds, as pyproject."""
    project = _pyproject_dependencies()
    binder = _by_name(_requirement_lines(BINDER / "requirements.in"))
    assert sorted(binder) == sorted(project), (
        f"only in pyproject.toml: {sorted(set(project) - set(binder))}; "
        f"only in binder/requirements.in: {sorted(set(binder) - set(project))}"
    )
    for name, req in project.items():
        assert binder[name].specifier == req.specifier, f"{name}: {binder[name]} in binder/ but {req} in pyproject"


def test_requirements_txt_pins_every_dependency():
    """Every line of requirements.txt is pinned; every dependency is among the pins and fits its bounds."""
    pins = _pins()
    for name, req in _pyproject_dependencies().items():
        assert name in pins, f"{name} is not pinned in binder/requirements.txt: run `make binder-lock`"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"binder/requirements.txt pins {name}=={pins[name]}, outside {req}: run `make binder-lock`"
        )


def test_requirements_txt_is_compiled_for_the_runtime():
    """The lock says how it was made, for Binder's Python on Linux."""
    header = (BINDER / "requirements.txt").read_text(encoding="utf-8").split("\n\n")[0]
    command = next((line for line in header.splitlines() if "pip compile" in line or "pip-compile" in line), None)
    assert command, "binder/requirements.txt has no generating command in its header: run `make binder-lock`"
    assert f"--python-version {_runtime_version()}" in command, command
    assert "--python-platform x86_64-unknown-linux-gnu" in command, command


def test_postbuild_fails_fast():
    """postBuild is a bash script whose first command is `set -e…`, and it is executable."""
    post_build = BINDER / "postBuild"
    lines = [line.strip() for line in post_build.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == "#!/bin/bash"
    commands = [line for line in lines[1:] if line and not line.startswith("#")]
    assert commands[0].startswith("set -e"), commands[0]
    assert os.access(post_build, os.X_OK)


# ---------------------------------------------------------------------------------------------
# The slow test: a fresh environment built from binder/ the way repo2docker builds it.

ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: runs inside the Binder environment: execute a lesson with its own kernel, save the result
RUNNER = r"""
import sys
import nbformat
from nbclient import NotebookClient

source, target, cwd = sys.argv[1:4]
nb = nbformat.read(source, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))  # which Python ran it
NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
               resources={"metadata": {"path": cwd}}).execute()
nbformat.write(nb, target)
"""


def _interpreter(version: str) -> str | None:
    """A base Python of Binder's version: this one when it matches, else pythonX.Y on PATH."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return getattr(sys, "_base_executable", None) or sys.executable
    return shutil.which(f"python{version}")


def _copy_repository(target: Path) -> None:
    """Copy what repo2docker would see: git's files (tracked, plus new ones not ignored), no .venv."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout.decode("utf-8").split("\0")
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (e.g. an unpacked sdist)
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.pyc", ".ipynb_checkpoints", "test-artifacts",
            "release", "submitted", "autograded", "feedback", "gradebook.db", "build", "dist"))
        return
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():  # tracked files deleted in the working tree are skipped
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)


def _run(cmd, *, timeout: float, **kwargs) -> str:
    """Run ``cmd``; return its output (stdout and stderr, colours removed); fail with it shown."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, **kwargs)
    output = ANSI.sub("", proc.stdout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{output[-6000:]}"
    return output


@contextmanager
def _phase(times: dict, name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        times[name] = time.perf_counter() - start


@pytest.mark.slow
def test_fresh_binder_environment_runs_a_lesson(tmp_path):
    """requirements.txt + postBuild in a new venv give the Chinese UI, student tools only, a working lesson."""
    version = _runtime_version()
    base_python = _interpreter(version)
    if base_python is None:
        pytest.skip(f"no Python {version} (binder/runtime.txt) to build the Binder environment with")
    repo, venv, work = tmp_path / "repo", tmp_path / "venv", tmp_path / "work"
    bin_dir = venv / "bin"
    python = bin_dir / "python"
    _copy_repository(repo)

    # The environment of a Binder build: the new environment's bin/ first on PATH, nothing from
    # this test session's environment or the user's Jupyter settings.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "CONDA")) and k not in {
               "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MPLBACKEND", "CSLAB_WORKDIR",
               # pip in a Binder image writes bytecode; without it every kernel re-compiles pandas
               "PYTHONDONTWRITEBYTECODE"}}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        CSLAB_WORKDIR=str(work),
    )

    times: dict[str, float] = {}
    try:
        # repo2docker runs `pip install --no-cache-dir -r binder/requirements.txt` in an environment
        # that has pip. uv installs the same pins (and pip, for postBuild) from its warm cache in
        # seconds, where pip takes a minute and ensurepip several seconds; unlike pip, uv writes no
        # bytecode (the commands below write it as they import). --link-mode=copy: postBuild may
        # write into the environment, never into files hard-linked to uv's cache. Without uv: pip.
        uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
        requirements = repo / "binder" / "requirements.txt"
        with _phase(times, "venv"):
            _run([base_python, "-m", "venv", *(["--without-pip"] if uv else []), venv], timeout=300, env=env)

        with _phase(times, "install"):
            if uv:
                _run([uv, "pip", "install", "--quiet", "--link-mode=copy", "--python", python,
                      "-r", requirements, "pip"], timeout=900, env=env)
            else:
                _run([python, "-m", "pip", "install", "--quiet", "-r", requirements], timeout=900, env=env)

        with _phase(times, "postBuild"):
            # repo2docker: `./binder/postBuild` from the repository root, as the notebook user
            _run(["bash", "binder/postBuild"], timeout=600, cwd=repo, env=env)

        with _phase(times, "checks"):
            overrides = json.loads((venv / "share/jupyter/lab/settings/overrides.json").read_text(encoding="utf-8"))
            assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"

            listing = _run([bin_dir / "jupyter", "server", "extension", "list"], timeout=300, env=env)
            state = dict((m[1], m[2]) for m in re.finditer(r"^\s*(nbgrader\.server_extensions\.\w+) (enabled|disabled)",
                                                            listing, re.MULTILINE))
            assert state == {**dict.fromkeys(TEACHER_SERVER, "disabled"),
                             **dict.fromkeys(STUDENT_SERVER, "enabled")}, listing

            listing = _run([bin_dir / "jupyter", "labextension", "list"], timeout=300, env=env)
            assert re.search(r"@jupyter/nbgrader v\S+ enabled", listing), listing  # assignment list, validate
            disabled = set(re.findall(r"^\s+(@jupyter/nbgrader:[\w-]+)\s*$",
                                      listing.partition("Disabled extensions:")[2], re.MULTILINE))
            assert disabled == TEACHER_LAB, listing
            page_config = json.loads((venv / "etc/jupyter/labconfig/page_config.json").read_text(encoding="utf-8"))
            assert TEACHER_LAB <= set(page_config.get("lockedExtensions", {})), page_config

        with _phase(times, "execute"):
            executed = tmp_path / "executed.ipynb"
            lesson = repo / LESSON
            _run([python, "-c", RUNNER, lesson, executed, lesson.parent], timeout=600, cwd=repo, env=env)
            cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
            errors = [f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
                      for i, cell in enumerate(cells) if cell["cell_type"] == "code"
                      for out in cell.get("outputs", []) if out["output_type"] == "error"]
            assert not errors, f"{LESSON} in the Binder environment:\n" + "\n".join(errors)
            text = [out.get("text", "") for out in cells[-1]["outputs"]]
            prefix = "".join("".join(t) if isinstance(t, list) else t for t in text).strip()
            assert Path(prefix).resolve() == venv.resolve(), f"the kernel ran in {prefix}, not in {venv}"
            assert work.is_dir()  # the lesson saved the student's work where CSLAB_WORKDIR says
    finally:
        print("\nBinder environment phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
              + f"; total {sum(times.values()):.1f} s")


def test_binder_and_school_server_switch_off_the_same_teacher_tools():
    """Binder's self-learners and a school server's students lose the same nbgrader parts."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("setup_course", ROOT / "deploy" / "school" / "setup_course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.TEACHER_SERVER_EXTENSIONS) == TEACHER_SERVER
    assert set(module.TEACHER_LAB_PLUGINS) == TEACHER_LAB
    postbuild = (BINDER / "postBuild").read_text(encoding="utf-8")
    assert all(name in postbuild for name in TEACHER_SERVER | TEACHER_LAB)
