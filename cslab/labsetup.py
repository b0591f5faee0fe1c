"""Configure JupyterLab inside the current environment: Chinese UI, no news or update toasts.

Writes ``{sys.prefix}/share/jupyter/lab/settings/overrides.json`` (merged with what is
there), so the setting lives in the course's environment, not in the user's global
Jupyter settings. Run by ``make lab`` and Binder's postBuild.

>>> import tempfile, json, pathlib
>>> p = write_overrides(pathlib.Path(tempfile.mkdtemp()) / "overrides.json")
>>> json.loads(p.read_text(encoding="utf-8"))[TRANSLATION]["locale"]
'zh_CN'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["OVERRIDES", "TRANSLATION", "overrides_path", "write_overrides", "main"]

TRANSLATION = "@jupyterlab/translation-extension:plugin"

#: JupyterLab settings the course needs
OVERRIDES = {
    TRANSLATION: {"locale": "zh_CN"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def overrides_path(prefix: str | None = None) -> Path:
    """Where JupyterLab reads setting overrides for this environment.

    >>> overrides_path("/env").as_posix()
    '/env/share/jupyter/lab/settings/overrides.json'
    """
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(path: Path | None = None) -> Path:
    """Merge :data:`OVERRIDES` into ``path`` (default :func:`overrides_path`) and return it.

    >>> import tempfile, pathlib
    >>> write_overrides(pathlib.Path(tempfile.mkdtemp()) / "o.json").name
    'o.json'
    """
    path = Path(path) if path else overrides_path()
    current = {}
    if path.exists():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            current = {}
    for plugin, settings in OVERRIDES.items():
        current.setdefault(plugin, {}).update(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main() -> None:
    """Entry point of ``cslab-setup-lab``: write the overrides and say where."""
    print(f"JupyterLab 设置已写入：{write_overrides()}（界面语言：简体中文）")


if __name__ == "__main__":
    main()
