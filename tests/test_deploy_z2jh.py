"""Static checks of the Zero to JupyterHub configuration in deploy/z2jh/ (no cluster, no network).

Nothing in deploy/z2jh/ has run on Kubernetes; docs/zero_to_jupyterhub.md says so. What these tests
can and do check:

- config.yaml (and the NFS alternative commented out at its end) parses and uses only value names
  that the jupyterhub Helm chart 4.x defines (a hard-coded subset of its values.schema.yaml);
- the Python the chart would run (hub.extraConfig) and the files it would mount (singleuser.extraFiles)
  compile, and the pre-spawn hook gives teachers and students what the single-server design gives
  them (deploy/school/jupyterhub_config.py), decided by the same group names;
- the teacher tools switched off in the image and on again for teachers are exactly the ones
  deploy/school/setup_course.py switches (its constants, imported from the file);
- the Dockerfile installs cslab, the Chinese UI and a CJK font, and copies only paths that exist;
- the ngshare wiring (service URL, network policy port, client URL) agrees with itself;
- no secret is written into the file.
"""

from __future__ import annotations

import importlib.util
import json
import re
import types
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
Z2JH = ROOT / "deploy" / "z2jh"
CONFIG = Z2JH / "config.yaml"
DOCKERFILE = Z2JH / "Dockerfile"
DOC = ROOT / "docs" / "zero_to_jupyterhub.md"
SCHOOL_SETUP = ROOT / "deploy" / "school" / "setup_course.py"

ANY = None  # free-form below this point (the chart passes it through, or it is a k8s object)
_NETWORK_POLICY = {"enabled": ANY, "ingress": ANY, "egress": ANY, "egressAllowRules": ANY,
                   "interNamespaceAccessLabels": ANY, "allowedIngressPorts": ANY}
_IMAGE = {"name": ANY, "tag": ANY, "pullPolicy": ANY, "pullSecrets": ANY}
_EXTRA_FILE = {"mountPath": ANY, "data": ANY, "stringData": ANY, "binaryData": ANY, "mode": ANY}
#: Value names of the jupyterhub Helm chart 4.x that this configuration may use, copied by hand from
#: the chart's values.schema.yaml (only sections the schema closes with additionalProperties: false
#: are spelled out; "*" stands for any key of a dictionary such as extraFiles).
CHART_KEYS = {
    "hub": {
        "config": ANY, "extraConfig": ANY, "services": ANY, "loadRoles": ANY, "extraEnv": ANY,
        "networkPolicy": _NETWORK_POLICY, "concurrentSpawnLimit": ANY, "activeServerLimit": ANY,
        "db": {"type": ANY, "pvc": ANY, "upgrade": ANY, "url": ANY, "password": ANY},
        "extraFiles": {"*": _EXTRA_FILE}, "image": _IMAGE, "resources": ANY, "baseUrl": ANY,
    },
    "proxy": {
        "https": {"enabled": ANY, "type": ANY, "hosts": ANY,
                  "letsencrypt": {"contactEmail": ANY, "acmeServer": ANY},
                  "manual": {"key": ANY, "cert": ANY},
                  "secret": {"name": ANY, "key": ANY, "crt": ANY}},
        "service": ANY, "chp": ANY, "traefik": ANY,
    },
    "singleuser": {
        "image": _IMAGE, "defaultUrl": ANY, "extraEnv": ANY, "cmd": ANY, "startTimeout": ANY,
        "lifecycleHooks": {"postStart": ANY, "preStop": ANY},
        "cpu": {"limit": ANY, "guarantee": ANY},
        "memory": {"limit": ANY, "guarantee": ANY},
        "storage": {
            "type": ANY, "capacity": ANY, "homeMountPath": ANY, "extraLabels": ANY,
            "extraVolumes": ANY, "extraVolumeMounts": ANY,
            "dynamic": {"pvcNameTemplate": ANY, "storageAccessModes": ANY, "storageClass": ANY,
                        "volumeNameTemplate": ANY},
            "static": {"pvcName": ANY, "subPath": ANY},
        },
        "extraFiles": {"*": _EXTRA_FILE},
        "networkPolicy": _NETWORK_POLICY,
        "uid": ANY, "fsGid": ANY, "profileList": ANY, "initContainers": ANY,
    },
    "cull": {"enabled": ANY, "users": ANY, "adminUsers": ANY, "removeNamedServers": ANY,
             "timeout": ANY, "every": ANY, "concurrency": ANY, "maxAge": ANY},
    "scheduling": ANY, "prePuller": ANY, "ingress": ANY, "debug": ANY, "rbac": ANY, "custom": ANY,
}
#: Group names of one course, as nbgrader and deploy/school/jupyterhub_config.py use them
GROUP = re.compile(r"(formgrade|nbgrader)-([A-Za-z][A-Za-z0-9_-]{0,39})")
PLACEHOLDER = re.compile(r"<[^<>]+>")


def _config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def _alternative() -> dict:
    """The NFS alternative: the block between the '# >>>' and '# <<<' lines, uncommented."""
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# >>> "))
    end = next(i for i, line in enumerate(lines) if line.startswith("# <<< "))
    body = lines[start + 1:end]
    assert all(line == "#" or line.startswith("# ") for line in body), "every line commented out"
    body = [line[2:] for line in body]
    # the block opens with prose; its YAML starts at the first top-level key
    first = next(i for i, line in enumerate(body) if re.fullmatch(r"[a-z]+:", line))
    return yaml.safe_load("\n".join(body[first:]))


def _unknown_keys(values, schema, path="") -> list[str]:
    if schema is ANY or not isinstance(values, dict):
        return []
    bad = []
    for key, value in values.items():
        if key in schema:
            sub = schema[key]
        elif "*" in schema:
            sub = schema["*"]
        else:
            bad.append(f"{path}{key}")
            continue
        bad += _unknown_keys(value, sub, f"{path}{key}.")
    return bad


def _school_constants():
    spec = importlib.util.spec_from_file_location("cslab_school_setup_course", SCHOOL_SETUP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    extensions = module.TEACHER_SERVER_EXTENSIONS
    return tuple(extensions), tuple(module.TEACHER_LAB_PLUGINS)


def _hook():
    c = Config()
    for name, code in _config()["hub"]["extraConfig"].items():
        exec(compile(code, f"hub.extraConfig[{name}]", "exec"), {"c": c})  # noqa: S102 (our own file)
    return c.KubeSpawner.pre_spawn_hook


class FakeSpawner:
    """What the hook uses of a KubeSpawner: the user's groups, the environment, the resources."""

    def __init__(self, groups, environment):
        self.user = types.SimpleNamespace(name="someone",
                                          groups=[types.SimpleNamespace(name=g) for g in groups])
        self.environment = environment
        self.cpu_guarantee, self.cpu_limit, self.mem_guarantee, self.mem_limit = 0.5, 1.0, "1G", "2G"


def _dockerfile() -> str:
    # join continuation lines so that one instruction is one line
    return re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))


def test_config_uses_only_value_names_of_the_chart():
    assert _unknown_keys(_config(), CHART_KEYS) == []
    assert _unknown_keys(_alternative(), CHART_KEYS) == []


def test_the_nfs_alternative_replaces_the_exchange_and_drops_ngshare():
    alternative = _alternative()
    assert alternative["hub"]["services"] == {"ngshare": None}  # helm deletes a key set to null
    mounts = alternative["singleuser"]["storage"]["extraVolumeMounts"]
    assert [m["mountPath"] for m in mounts] == ["/srv/nbgrader/exchange"]
    code = alternative["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    compile(code, "nfs nbgrader_config.py", "exec")
    assert 'Exchange.root = "/srv/nbgrader/exchange"' in code
    assert "ngshare" not in code


def test_extra_files_are_well_formed_and_their_python_compiles():
    files = _config()["singleuser"]["extraFiles"]
    assert files, "the nbgrader and teacher configuration are mounted as extraFiles"
    for key, spec in files.items():
        assert spec["mountPath"].startswith("/"), key
        assert sum(k in spec for k in ("data", "stringData", "binaryData")) == 1, key
        if spec["mountPath"].endswith(".json"):
            json.dumps(spec["data"])  # rendered to JSON by the chart
        if spec["mountPath"].endswith(".py"):
            compile(spec["stringData"], spec["mountPath"], "exec")


def test_hub_extra_config_compiles():
    extra = _config()["hub"]["extraConfig"]
    assert isinstance(extra, dict) and extra
    for name, code in extra.items():
        compile(code, f"hub.extraConfig[{name}]", "exec")


def test_course_groups_are_named_as_nbgrader_and_the_school_server_name_them():
    groups = _config()["hub"]["config"]["JupyterHub"]["load_groups"]
    courses = {"formgrade": set(), "nbgrader": set()}
    for name, spec in groups.items():
        match = GROUP.fullmatch(name)
        assert match, f"{name}: course groups are formgrade-<course id> and nbgrader-<course id>"
        courses[match[1]].add(match[2])
        assert isinstance(spec["users"], list) and spec["users"]
    assert courses["formgrade"] == courses["nbgrader"], "every course has teachers and students"
    school = (ROOT / "deploy" / "school" / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert 'f"formgrade-{COURSE}"' in school and 'f"nbgrader-{COURSE}"' in school


def test_the_hook_gives_teachers_the_teacher_tools_and_students_their_course():
    hook = _hook()
    shared = {"LANG": "C.UTF-8"}

    teacher = FakeSpawner(["formgrade-ecs2026b", "formgrade-ecs2026a", "nbgrader-ecs2026a", "other"], shared)
    hook(teacher)
    assert teacher.environment["JUPYTER_CONFIG_PATH"] == "/etc/cslab/teacher"
    assert teacher.environment["CSLAB_COURSE_ID"] == "ecs2026a"  # the first, sorted
    assert teacher.environment["CSLAB_TEACHING"] == "ecs2026a,ecs2026b"
    assert teacher.environment["LANG"] == "C.UTF-8"
    assert (teacher.cpu_guarantee, teacher.cpu_limit) == (1.0, 2.0)
    assert (teacher.mem_guarantee, teacher.mem_limit) == ("2G", "4G")

    student = FakeSpawner(["nbgrader-ecs2026a", "formgrade-bad/../name", "formgrade-"], shared)
    hook(student)
    assert "JUPYTER_CONFIG_PATH" not in student.environment, "no teacher tools for students"
    assert student.environment["CSLAB_COURSE_ID"] == "ecs2026a"
    assert student.environment["CSLAB_TEACHING"] == ""
    assert (student.cpu_limit, student.mem_limit) == (1.0, "2G")

    nobody = FakeSpawner([], shared)
    hook(nobody)
    assert "CSLAB_COURSE_ID" not in nobody.environment and "JUPYTER_CONFIG_PATH" not in nobody.environment
    assert shared == {"LANG": "C.UTF-8"}, "the hook must not change a dict other spawners share"


def test_teacher_tools_are_those_of_the_school_setup():
    extensions, plugins = _school_constants()
    files = _config()["singleuser"]["extraFiles"]
    server = files["teacher-server-config"]
    assert server["mountPath"] == "/etc/cslab/teacher/jupyter_server_config.json"
    assert server["data"] == {"ServerApp": {"jpserver_extensions": {e: True for e in extensions}}}
    lab = files["teacher-lab-config"]
    assert lab["mountPath"] == "/etc/cslab/teacher/labconfig/page_config.json"
    assert lab["data"] == {"disabledExtensions": {p: False for p in plugins}}
    assert _hook_teacher_config_path() == "/etc/cslab/teacher"

    # the image switches them off for everybody, as setup_course.switch_off_teacher_tools does
    docker = _dockerfile()
    server_off = re.search(r"jupyter server extension disable --sys-prefix ([^&\n]+)", docker)
    assert server_off and set(server_off[1].split()) == set(extensions)
    for verb in ("disable", "lock"):
        lab_off = re.search(rf"jupyter labextension {verb} --level=sys_prefix ([^&\n]+)", docker)
        assert lab_off, f"the image does not {verb} the teacher plugins"
        assert set(re.findall(r'"([^"]+)"', lab_off[1])) == set(plugins)


def _hook_teacher_config_path():
    teacher = FakeSpawner(["formgrade-x1"], {})
    _hook()(teacher)
    return teacher.environment["JUPYTER_CONFIG_PATH"]


def test_teacher_nbgrader_config_picks_the_course(tmp_path, monkeypatch):
    code = _config()["singleuser"]["extraFiles"]["teacher-nbgrader-config"]["stringData"]
    (tmp_path / "ecs2026a").mkdir()
    (tmp_path / "ecs2026a" / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CSLAB_COURSE_ID", "ecs2026a")
    monkeypatch.setenv("CSLAB_TEACHING", "ecs2026a,ecs2026b")

    def run():
        c, loaded = Config(), []
        exec(code, {"get_config": lambda: c, "load_subconfig": loaded.append})  # noqa: S102
        return c.CourseDirectory.course_id, c.CourseDirectory.root, loaded

    assert run() == ("ecs2026a", str(tmp_path / "ecs2026a"),
                     [str(tmp_path / "ecs2026a" / "nbgrader_config.py")])
    (tmp_path / ".cslab_course").write_text("ecs2026b\n", encoding="utf-8")
    assert run() == ("ecs2026b", str(tmp_path / "ecs2026b"), [])  # no course folder yet: nothing loaded
    (tmp_path / ".cslab_course").write_text("someone-elses-course\n", encoding="utf-8")
    assert run()[0] == "ecs2026a", "only a course the hub says they teach"


def test_dockerfile_builds_the_course_image():
    docker = _dockerfile()
    assert re.search(r"^ARG BASE_IMAGE=quay\.io/jupyter/minimal-notebook:", docker, re.M)
    assert re.search(r"^FROM \$\{BASE_IMAGE\} AS singleuser$", docker, re.M)
    froms = re.findall(r"^FROM .* AS (\w+)$", docker, re.M)
    assert froms[-1] == "singleuser", "the user image is the default (last) target"
    assert re.search(r"apt-get install [^\n]*fonts-(wqy-microhei|noto-cjk)", docker), "a CJK font"
    assert re.search(r"pip install [^\n]*/tmp/cslab-src\b", docker), "cslab from this repository"
    assert re.search(r"^RUN python -m cslab\.labsetup$", docker, re.M), "the Chinese JupyterLab UI"
    assert re.search(r'pip install [^\n]*--no-deps "ngshare-exchange==', docker)
    users = re.findall(r"^USER (\S+)", docker, re.M)
    assert users[-1] == "${NB_UID}", "the user image ends as the notebook user, not root"
    # every COPY source exists in the repository (the build context is the repository root)
    for line in re.findall(r"^COPY (.+)$", docker, re.M):
        parts = [p for p in line.split() if not p.startswith("--")]
        for source in parts[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: missing in the repository"
    assert "COPY lessons /srv/cslab/lessons" in docker
    start = _config()["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert "/srv/cslab/lessons" in start[-1] and "课件" in start[-1]


def test_ngshare_wiring_agrees_with_itself():
    config = _config()
    service = urlsplit(config["hub"]["services"]["ngshare"]["url"])
    client = config["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    url = re.search(r'configureExchange\(c, "([^"]+)"\)', client)
    assert url, "students' and teachers' nbgrader use ngshare"
    assert (urlsplit(url[1]).hostname, urlsplit(url[1]).port) == (service.hostname, service.port)
    assert urlsplit(url[1]).path == "/services/ngshare"
    [egress] = config["singleuser"]["networkPolicy"]["egress"]
    assert egress["ports"] == [{"port": service.port}]
    assert egress["to"][0]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "ngshare"}
    [ingress] = config["hub"]["networkPolicy"]["ingress"]
    assert ingress["from"][0]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "ngshare"}
    assert "api_token" not in config["hub"]["services"]["ngshare"], "the chart generates it"
    # ngshare 0.6.0 silently loses released assignments with SQLAlchemy 2 (see the doc)
    assert re.search(r'pip install [^\n]*"ngshare==0\.6\.0"[^\n]*"SQLAlchemy>=1\.4\.1,<2"', _dockerfile())


def test_student_resources():
    single = _config()["singleuser"]
    assert single["cpu"] == {"guarantee": 0.5, "limit": 1}
    assert single["memory"] == {"guarantee": "1G", "limit": "2G"}
    assert single["storage"]["type"] == "dynamic"
    assert _config()["cull"]["enabled"] is True


def _strings(values, path=""):
    if isinstance(values, dict):
        for key, value in values.items():
            yield from _strings(value, f"{path}{key}.")
    elif isinstance(values, list):
        for i, value in enumerate(values):
            yield from _strings(value, f"{path}{i}.")
    elif isinstance(values, str):
        yield path.rstrip("."), values


@pytest.mark.parametrize("values", [_config, _alternative], ids=["config", "alternative"])
def test_no_secret_is_written_into_the_file(values):
    secret = re.compile(r"(secret|token|password|passwd)$", re.I)
    for path, value in _strings(values()):
        if secret.search(path.rsplit(".", 1)[-1]):
            assert PLACEHOLDER.fullmatch(value), f"{path}: secrets go in a values file kept out of git"
    text = CONFIG.read_text(encoding="utf-8")
    assert not re.search(r"\b[0-9a-f]{32,}\b", text), "something that looks like a token"


def test_docs_say_what_is_tested_and_what_is_not():
    doc = DOC.read_text(encoding="utf-8")
    assert re.search(r"^## (\d+\. )?已测试 / 未测试$", doc, re.M) and re.search(r"^## (\d+\. )?限制$", doc, re.M)
    for name in ("tests/test_school_server.py", "tests/test_deploy_z2jh.py", "deploy/z2jh/config.yaml"):
        assert name in doc
    assert "#1870" in doc and "#1947" in doc, "the formgrader iframe issues, by number"
    readme = (Z2JH / "README.md").read_text(encoding="utf-8")
    assert "docs/zero_to_jupyterhub.md" in readme
