"""cslab.workspace: atomic saves, backups, repair of corrupt files, safe names."""

import json
import warnings

import pytest

from cslab import workspace
from cslab.errors import InputError


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "work"))
    return tmp_path / "work"


def test_save_and_load_round_trip(workdir):
    """Saved data comes back the same, Chinese intact, from a fresh read (a kernel restart)."""
    workspace.save_json("settings/a.json", {"欢迎语": "亲，您好！", "n": 3})
    raw = json.loads((workdir / "settings" / "a.json").read_text(encoding="utf-8"))
    assert raw == {"欢迎语": "亲，您好！", "n": 3}
    assert workspace.load_json("settings/a.json") == raw


def test_overwrite_keeps_backup(workdir):
    """The previous version is kept as .bak when a file is overwritten."""
    workspace.save_json("a.json", [1])
    workspace.save_json("a.json", [2])
    assert json.loads((workdir / "a.json.bak").read_text(encoding="utf-8")) == [1]
    assert workspace.load_json("a.json") == [2]


def test_corrupt_file_recovers_from_backup(workdir):
    """A corrupt file is moved aside, the backup restored, and the student told."""
    workspace.save_json("a.json", {"v": 1})
    workspace.save_json("a.json", {"v": 2})
    (workdir / "a.json").write_text("{not json", encoding="utf-8")
    with pytest.warns(workspace.WorkspaceWarning, match="备份恢复"):
        assert workspace.load_json("a.json") == {"v": 1}
    assert list(workdir.glob("a.json.corrupt-*")), "the corrupt file must be kept"
    assert workspace.load_json("a.json") == {"v": 1}


def test_corrupt_file_without_backup_gives_default(workdir):
    """No sound backup: default returned, corrupt file kept, warning in Chinese."""
    workdir.mkdir(parents=True)
    (workdir / "b.json").write_text("", encoding="utf-8")
    with pytest.warns(workspace.WorkspaceWarning, match="默认设置"):
        assert workspace.load_json("b.json", default={"x": 0}) == {"x": 0}
    assert list(workdir.glob("b.json.corrupt-*"))


def test_unsafe_names_rejected():
    """Absolute paths, '..' and empty names raise a Chinese InputError."""
    for bad in ("/etc/passwd", "../x.json", "a/../../x.json", "", "   "):
        with pytest.raises(InputError):
            workspace.path_for(bad)


def test_unserialisable_data_rejected():
    """Data that is not JSON gives a Chinese error and leaves no file behind."""
    with pytest.raises(InputError, match="JSON"):
        workspace.save_json("c.json", {"f": object()})
    assert workspace.load_json("c.json") is None


def test_append_json_limit():
    """append_json keeps only the newest `limit` records."""
    for i in range(5):
        items = workspace.append_json("log.json", i, limit=3)
    assert items == [2, 3, 4]
    assert workspace.load_json("log.json") == [2, 3, 4]


def test_append_to_non_list_warns_and_restarts():
    """A non-list file is not silently appended to."""
    workspace.save_json("log.json", {"oops": 1})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert workspace.append_json("log.json", 1) == [1]
    assert any("列表" in str(w.message) for w in caught)


def test_unwritable_workdir_gives_chinese_error(tmp_path, monkeypatch):
    """A work folder that cannot be created is reported in Chinese with the fix."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CSLAB_WORKDIR", str(blocker / "sub"))
    with pytest.raises(InputError, match="CSLAB_WORKDIR"):
        workspace.work_dir()
