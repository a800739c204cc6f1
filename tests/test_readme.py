"""Everything the README says is checked: its Python blocks run, its commands
and extras exist, its links point to files."""
import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language):
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.M | re.S)


def _extras():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options.extras_require"])


def test_python_blocks_run(tmp_path, monkeypatch):
    blocks = _blocks("python")
    assert blocks, "the README has no python block"
    monkeypatch.chdir(tmp_path)  # a block that writes files writes them here
    namespace = {"__name__": "__readme__"}
    for i, block in enumerate(blocks):
        try:
            exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as error:  # pragma: no cover - the message is the point
            pytest.fail(f"README python block {i + 1} fails: {error!r}\n{block}")


def test_extras_named_in_the_readme_exist():
    named = set()
    for spec in re.findall(r"\.\[([\w,-]+)\]", README):
        named.update(spec.split(","))
    assert named, "the README names no extra"
    missing = named - _extras()
    assert not missing, f"README names extras missing from setup.cfg: {sorted(missing)}"


def test_docs_command_is_the_documented_one():
    install = (ROOT / "docs" / "install.rst").read_text(encoding="utf-8")
    command = 'pip install ".[docs]" && sphinx-build -W -b html docs docs/_build/html'
    assert command in README
    assert command in install


def test_local_links_point_to_files():
    for target in re.findall(r"\]\(([^)#\s]+)\)", README):
        if "://" in target:
            continue
        assert (ROOT / target).exists(), f"README links to missing {target}"


def _code():
    """Inline code spans and the lines of bash blocks."""
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", README, flags=re.M | re.S))
    lines = [line for block in _blocks("bash") for line in block.splitlines()]
    return spans + lines


def test_commands_named_in_the_readme_exist():
    from dtwpt.experiments.cli import EXPERIMENTS

    for code in _code():
        for command in re.split(r"&&|;", code):
            match = re.match(r"\s*(?:python -m dtwpt\.experiments|dtwpt) ([a-z]\w*)",
                             command)
            if match:
                assert match.group(1) in EXPERIMENTS, f"unknown experiment in {code!r}"
