"""cslab.labsetup: the Chinese UI is set inside the environment, merged with existing settings."""

import json

from cslab import labsetup


def test_merges_with_existing_settings(tmp_path):
    """Existing overrides survive; the locale and news settings are added."""
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                labsetup.TRANSLATION: {"locale": "en"}}), encoding="utf-8")
    labsetup.write_overrides(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["@jupyterlab/apputils-extension:themes"]["theme"] == "JupyterLab Dark"
    assert data[labsetup.TRANSLATION]["locale"] == "zh_CN"
    assert data["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_corrupt_overrides_replaced(tmp_path):
    """A corrupt overrides file does not stop the set-up."""
    path = tmp_path / "overrides.json"
    path.write_text("{", encoding="utf-8")
    labsetup.write_overrides(path)
    assert json.loads(path.read_text(encoding="utf-8"))[labsetup.TRANSLATION]["locale"] == "zh_CN"


def test_default_path_is_inside_the_environment():
    """The default location is under sys.prefix, not the user's home."""
    import sys

    assert str(labsetup.overrides_path()).startswith(sys.prefix)
