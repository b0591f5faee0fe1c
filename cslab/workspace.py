"""The student's work folder: the one place that knows where saved work lives.

Settings, transcripts and practice history are JSON files under :func:`work_dir`.
Writes are atomic (a temporary file, then ``os.replace``) and keep the previous
version as ``<name>.bak``; a corrupt file is never lost silently: it is moved
aside, the backup is used when it is sound, and a Chinese warning says so.

The folder is ``$CSLAB_WORKDIR`` when set, otherwise ``~/cslab_work``.

>>> import os, tempfile
>>> os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> save_json("demo/settings.json", {"昵称": "小蜜"})
>>> load_json("demo/settings.json")
{'昵称': '小蜜'}
>>> load_json("demo/missing.json", default=[])
[]
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from pathlib import Path, PurePosixPath

from .errors import InputError

__all__ = ["WorkspaceWarning", "work_dir", "path_for", "save_json", "load_json", "append_json"]

ENV_VAR = "CSLAB_WORKDIR"


class WorkspaceWarning(UserWarning):
    """Something in the work folder needed repair; the message says what was done."""


def work_dir(create: bool = True) -> Path:
    """Return the student's work folder, creating it unless ``create`` is False.

    >>> work_dir().is_dir()
    True
    """
    root = Path(os.environ.get(ENV_VAR) or Path.home() / "cslab_work").expanduser()
    if create:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"无法创建作业文件夹 {root}：{exc.strerror or exc}。"
                f"请检查磁盘空间和权限，或设置环境变量 {ENV_VAR} 指向一个可写的文件夹。"
            ) from None
    return root


def path_for(name: str) -> Path:
    """Return the path of ``name`` (a relative path such as ``'typing/history.json'``).

    >>> path_for("typing/history.json").name
    'history.json'
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError("文件名不能为空，请写成 '文件夹/文件名.json' 的形式。")
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts:
        raise InputError(f"文件名 {name!r} 不能是绝对路径，也不能包含 '..'：请使用作业文件夹内的相对路径。")
    return work_dir().joinpath(*rel.parts)


def save_json(name: str, data) -> None:
    """Write ``data`` as UTF-8 JSON atomically, keeping the previous file as ``.bak``.

    >>> save_json("demo/n.json", [1, 2]); load_json("demo/n.json")
    [1, 2]
    """
    target = path_for(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        text = json.dumps(data, ensure_ascii=False, indent=1)
    except (TypeError, ValueError) as exc:
        raise InputError(f"无法保存 {name}：内容不能转换为 JSON（{exc}）。请只保存文字、数字、列表和字典。") from None
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists() and _is_sound(target):
            os.replace(target, target.with_name(target.name + ".bak"))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_json(name: str, default=None):
    """Read ``name``; ``default`` when it does not exist; repair a corrupt file with a warning.

    >>> load_json("demo/none.json", default={"x": 1})
    {'x': 1}
    """
    target = path_for(name)
    if not target.exists():
        return default
    try:
        return _read(target)
    except (ValueError, OSError):
        aside = target.with_name(f"{target.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(target, aside)
        backup = target.with_name(target.name + ".bak")
        if backup.exists() and _is_sound(backup):
            data = _read(backup)
            _warn(f"{name} 已损坏，已另存为 {aside.name}，并从上一次的备份恢复。")
            save_json(name, data)
            return data
        _warn(f"{name} 已损坏且没有可用的备份，已另存为 {aside.name}，现在从默认设置开始。")
        return default


def append_json(name: str, record, limit: int | None = None) -> list:
    """Append ``record`` to the JSON list in ``name`` (keeping the last ``limit``); return it.

    >>> _ = append_json("demo/log.json", {"n": 1})
    >>> append_json("demo/log.json", {"n": 2})[-1]
    {'n': 2}
    """
    items = load_json(name, default=[])
    if not isinstance(items, list):
        _warn(f"{name} 里不是列表，已从空列表开始。")
        items = []
    items.append(record)
    if limit is not None:
        items = items[-limit:]
    save_json(name, items)
    return items


def _read(path: Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _is_sound(path: Path) -> bool:
    try:
        _read(path)
        return True
    except (ValueError, OSError):
        return False


def _warn(message: str) -> None:
    warnings.warn(message, WorkspaceWarning, stacklevel=3)
