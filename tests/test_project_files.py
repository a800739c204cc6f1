"""The project files people look for: LICENSE, CITATION.cff, CHANGELOG.md,
py.typed and the dtwpt command."""
import configparser
import fnmatch
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dtwpt
from dtwpt.experiments import cli

ROOT = Path(__file__).resolve().parents[1]


def _setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def test_license_matches_metadata():
    assert _setup_cfg()["metadata"]["license"].strip() == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License")
    assert "The dtwpt developers" in text
    assert "Neither the name of the copyright holder" in text  # the third clause


def _citation():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:  # PyYAML is optional: check the structure by hand
        assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
        return None, text
    return yaml.safe_load(text), text


def test_citation_file():
    data, text = _citation()
    for arxiv in ("2209.11740", "2212.00394"):
        assert f"arXiv:{arxiv}" in text
    assert "Bayram" in text and "Selesnick" in text
    if data is None:
        return
    assert data["cff-version"] == "1.2.0"
    assert data["type"] == "software"
    assert data["license"] == _setup_cfg()["metadata"]["license"].strip()
    assert str(data["version"]) == _setup_cfg()["metadata"]["version"].strip()
    assert len(data["references"]) == 3
    for reference in data["references"]:
        assert reference["title"] and reference["authors"]


def test_changelog_lists_the_version():
    version = _setup_cfg()["metadata"]["version"].strip()
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)} - \d{{4}}-\d\d-\d\d$", text, re.M)
    assert "## Unreleased" in text


def test_typed_marker_is_shipped():
    assert (Path(dtwpt.__file__).parent / "py.typed").is_file()
    assert "py.typed" in _setup_cfg()["options.package_data"]["dtwpt"]


def test_package_data_ships_every_data_file():
    """Every non-Python file in the package matches a package_data pattern."""
    patterns = {package.strip(): [p.strip() for p in value.split(",") if p.strip()]
                for package, value in _setup_cfg()["options.package_data"].items()}
    package_root = Path(dtwpt.__file__).parent
    for path in package_root.rglob("*"):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in {".py", ".pyc"}:
            continue
        relative = path.relative_to(package_root.parent)
        package = ".".join(relative.parent.parts)
        assert any(fnmatch.fnmatch(path.name, p) for p in patterns.get(package, [])), (
            f"{relative} is not in setup.cfg's package_data, so an install would lack it")


def test_console_script_is_the_cli():
    scripts = _setup_cfg()["options.entry_points"]["console_scripts"]
    assert re.search(r"^dtwpt = dtwpt\.experiments\.cli:main$", scripts.strip(), re.M)
    points = [p for p in importlib.metadata.entry_points(group="console_scripts")
              if p.name == "dtwpt"]
    if not points:
        pytest.skip("dtwpt is not installed with its entry points")
    assert points[0].load() is cli.main
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0


def test_console_script_runs_like_python_m():
    script = shutil.which("dtwpt", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the dtwpt script is not installed next to this Python")
    same = subprocess.run([script, "localization", "--help"], capture_output=True,
                          text=True, timeout=120)
    module = subprocess.run([sys.executable, "-m", "dtwpt.experiments", "localization",
                             "--help"], capture_output=True, text=True, timeout=120)
    assert same.returncode == module.returncode == 0
    assert same.stdout == module.stdout
