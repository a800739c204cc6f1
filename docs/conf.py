"""Sphinx configuration of the dtwpt documentation.

Build (offline, warnings as errors)::

    pip install ".[docs]"
    sphinx-build -W -b html docs docs/_build/html

The API pages are written by :func:`write_api_pages` at every build from the
installed package: every public module of ``dtwpt`` (found by walking the
package, so a module added later appears without editing this file) gets a
page listing its ``__all__``; the names of ``dtwpt.__all__`` get pages under
``dtwpt.``.
"""
import os
import re
import sys
from pathlib import Path

import matplotlib
from docutils.utils import get_source_line

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sphinx.ext import autosummary as _autosummary  # noqa: E402

import dtwpt  # noqa: E402

from _api import canonical_names, write_api_pages  # noqa: E402

# -- project -----------------------------------------------------------------
project = "dtwpt"
author = "The dtwpt developers"
copyright = "The dtwpt developers"  # noqa: A001
release = dtwpt.__version__
version = ".".join(release.split(".")[:2])

# -- extensions --------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "_citations",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "examples/GALLERY_HEADER.rst", "**/GALLERY_HEADER.rst",
                    "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.md5"]
root_doc = "index"
default_role = "code"

API_MODULES = write_api_pages(HERE / "api")
CANONICAL = canonical_names(API_MODULES)

suppress_warnings = ["ref.citation"]  # numpydoc keeps uncited module references
# the API pages, listed explicitly: with True autosummary would only see the
# documents of the previous build's (pickled) environment
autosummary_generate = [f"api/{name}.rst" for name in API_MODULES]
_extract_summary = _autosummary.extract_summary


def _summary_without_citations(doc, document):
    """A docstring's first sentence without ``[1]_`` citations.

    The citation targets are in the docstring's References section, which an
    autosummary table does not show.
    """
    return re.sub(r"\s*\[[\w-]+\]_", "", _extract_summary(doc, document))


_autosummary.extract_summary = _summary_without_citations

autosummary_imported_members = True
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc validation: every check, so a docstring that regresses fails the
# build (-W), except the three project-wide choices listed below.
numpydoc_validation_checks = {
    "all",
    # project-wide choices: not every docstring needs an extended summary or
    # a See Also section, and many summaries are noun phrases ("Columns of
    # ...", "Tiles whose ..."), which SS05's test (a first word ending in "s")
    # takes for third-person verbs
    "ES01",  # no extended summary
    "SA01",  # no See Also section
    "SS05",  # summary starts with a third-person verb ("Returns ...")
}
numpydoc_validation_exclude = {
    r"\.__\w+__$",  # special methods
    r"\.[A-Z][A-Z0-9_]*$",  # constants (their docstring is their type's)
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"dtwpt {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False

# -- gallery -----------------------------------------------------------------
os.environ.setdefault("TQDM_DISABLE", "1")
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
}


def _alias_candidates(node, target):
    """``(module, name)`` pairs a Python reference may mean, most specific first.

    The target as written, then relative to the module the reference is made
    in, then relative to every package above the object whose docstring holds
    the reference (a docstring documented at ``dtwpt.name`` may refer to its
    own module's names without a prefix).
    """
    module, _, name = target.rpartition(".")
    yield module, name
    contexts = [node.get("py:module") or ""]
    source = get_source_line(node)[0] or ""
    match = re.search(r"docstring of ([\w.]+)", source)
    if match:
        parts = match.group(1).split(".")
        contexts += [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
    for context in contexts:
        if context:
            full = f"{context}.{target}"
            yield full.rpartition(".")[0], name


def _resolve_public_alias(app, env, node, contnode):
    """Resolve a reference to a public name documented under another path.

    A name is documented once, at its shallowest public path (see ``_api``);
    a reference through another public path (``dtwpt.weights.load_first_layer``
    for ``dtwpt.load_first_layer``), or relative to the module the docstring
    comes from, links to that page.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip("~.")
    for key in _alias_candidates(node, target):
        documented = CANONICAL.get(key)
        if documented is not None:
            return env.get_domain("py").resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], documented, node,
                contnode)
    return None


def setup(app):
    app.connect("missing-reference", _resolve_public_alias)
