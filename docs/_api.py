"""Write the API reference pages of the dtwpt documentation from the package.

Every public module of ``dtwpt`` (a name without a leading underscore, found
by walking the installed package) gets ``api/<module>.rst``: its docstring and
an autosummary of its ``__all__`` (or, without ``__all__``, of the public
functions and classes it defines). Names that ``dtwpt`` re-exports are
documented once, under ``dtwpt.<name>``, and linked from their module's page.
"""
import importlib
import inspect
import pkgutil
import shutil
from pathlib import Path

import dtwpt

#: Subpackages and modules whose pages are not wanted (none today).
SKIP = frozenset()


def public_modules(package=dtwpt):
    """Names of the importable public modules of ``package``, recursively."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or info.name in SKIP:
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional dependency is missing
            continue
        names.append(info.name)
    return sorted(names, key=lambda n: (n.count("."), n))


def public_names(module):
    """The public names of ``module``: its ``__all__`` or what it defines."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [n for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", None) == module.__name__]


def _top_level():
    """``{id(object): name}`` of the objects re-exported by ``dtwpt.__all__``."""
    return {id(getattr(dtwpt, n)): n for n in dtwpt.__all__
            if not inspect.ismodule(getattr(dtwpt, n))}


def _autosummary(names):
    lines = [".. autosummary::", "   :toctree: generated", ""]
    lines += [f"   {n}" for n in names]
    return lines + [""]


def module_page(name):
    """reST source of the page of module ``name``."""
    module = importlib.import_module(name)
    top = _top_level() if name != "dtwpt" else {}
    own, linked, submodules = [], [], []
    for n in public_names(module):
        obj = getattr(module, n)
        if inspect.ismodule(obj):
            submodules.append(obj.__name__)
        elif id(obj) in top and name != "dtwpt":
            linked.append(top[id(obj)])
        else:
            own.append(n)
    title = f"``{name}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {name}",
             "   :no-members:", "", f".. currentmodule:: {name}", ""]
    if own:
        lines += ["Reference", "---------", ""] + _autosummary(own)
    if linked:
        lines += ["Also in this module, documented at the top level:", ""]
        lines += [f"- :func:`dtwpt.{n}`" if not inspect.isclass(getattr(dtwpt, n))
                  else f"- :class:`dtwpt.{n}`" for n in linked] + [""]
    if submodules:
        lines += ["Modules: " + ", ".join(f":mod:`{s}`" for s in submodules), ""]
    return "\n".join(lines)


INDEX_HEADER = """\
API reference
=============

Every public name of dtwpt, generated from its docstring. The functions and
classes most people need are importable from ``dtwpt`` directly; the modules
hold the rest. Axes, frequencies, packet order and boundary modes follow
:doc:`../conventions`.

.. toctree::
   :maxdepth: 1

"""


def write_api_pages(folder):
    """Write ``index.rst`` and one page per public module into ``folder``.

    Files are rewritten only when their content changes, so that Sphinx's
    incremental builds stay incremental.
    """
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    # autosummary never deletes a stub: drop them all so a removed name
    # cannot leave an orphan page behind
    shutil.rmtree(folder / "generated", ignore_errors=True)
    modules = public_modules()
    pages = {"index.rst": INDEX_HEADER + "".join(f"   {m}\n" for m in modules)}
    pages.update({f"{m}.rst": module_page(m) for m in modules})
    for stale in folder.glob("*.rst"):
        if stale.name not in pages:
            stale.unlink()
    for fname, text in pages.items():
        path = folder / fname
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return modules
