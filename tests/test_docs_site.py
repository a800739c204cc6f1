"""The documentation site: it builds with warnings as errors, the gallery runs,
every public name has a page, and every public module's examples run."""
import doctest
import importlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DOCS_REQUIREMENTS = ("sphinx", "numpydoc", "pydata_sphinx_theme", "sphinx_gallery")
MISSING = [name for name in DOCS_REQUIREMENTS if importlib.util.find_spec(name) is None]
needs_sphinx = pytest.mark.skipif(
    bool(MISSING),
    reason=f"documentation requirements not installed ({', '.join(MISSING)}): "
           "pip install '.[docs]'")


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api = _load("_dtwpt_docs_api", DOCS / "_api.py")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build a copy of docs/ (so the source tree is not written to); the HTML folder."""
    tmp = tmp_path_factory.mktemp("docs")
    source = tmp / "src"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns(
        "_build", "api", "auto_examples", "sg_execution_times.rst"))
    html = tmp / "html"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               "-d", str(tmp / "doctrees"), str(source), str(html)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-6000:]
    return html


@needs_sphinx
def test_pages_exist(site):
    for page in ("index", "install", "conventions", "theory", "experiments",
                 "performance", "api/index", "auto_examples/index"):
        assert (site / f"{page}.html").is_file(), page


@needs_sphinx
def test_every_public_name_has_a_page(site):
    import dtwpt

    canonical = api.canonical_names()
    for module_name in api.public_modules():
        assert (site / f"api/{module_name}.html").is_file(), module_name
    for name in dtwpt.__all__:
        if type(getattr(dtwpt, name)).__name__ == "module":
            assert (site / f"api/dtwpt.{name}.html").is_file(), name
        else:
            assert canonical[("dtwpt", name)] == f"dtwpt.{name}"
    for (module_name, name), documented in canonical.items():
        page = site / f"api/generated/{documented}.html"
        assert page.is_file(), f"{module_name}.{name}: no page {documented}"
        if documented != f"{module_name}.{name}":  # linked from its module's page
            text = (site / f"api/{module_name}.html").read_text(encoding="utf-8")
            assert f"generated/{documented}.html" in text, f"{module_name}.{name}"


@needs_sphinx
def test_gallery_ran_and_drew(site):
    examples = sorted((DOCS / "examples").glob("plot_*.py"))
    assert len(examples) >= 3
    for example in examples:
        assert (site / f"auto_examples/{example.stem}.html").is_file(), example.name
        figures = list((site / "_images").glob(f"sphx_glr_{example.stem}_0*.png"))
        assert figures, f"{example.name} drew no figure"


@needs_sphinx
def test_conventions_page_is_the_reference(site):
    text = (site / "conventions.html").read_text(encoding="utf-8")
    for topic in ("Axes", "Frequencies", "Packet order", "Conjugation", "Boundary modes"):
        assert topic in text


def _modules_in_test_docs():
    return set(_load("_dtwpt_test_docs", Path(__file__).with_name("test_docs.py")).MODULES)


@pytest.mark.parametrize("name", api.public_modules())
def test_examples_of_every_public_module(name):
    """Docstring examples of the public modules that tests/test_docs.py does not list."""
    if name in _modules_in_test_docs():
        pytest.skip("run by tests/test_docs.py")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
