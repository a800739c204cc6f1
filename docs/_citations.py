"""Give a docstring the module references it cites.

A function's docstring may cite ``[1]_`` from its module's References
section. On the function's own page that target does not exist, which
docutils reports as an error. Before numpydoc parses a docstring, this handler
appends the cited entries of the module's References section to it.
"""
import inspect
import re
import sys

_CITED = re.compile(r"\[([\w-]+)\]_")
_DEFINED = re.compile(r"^\s*\.\. \[([\w-]+)\]", re.M)
_UNDERLINE = re.compile(r"^-{3,}\s*$")


def module_references(module_name):
    """``{label: lines}`` of the entries of a module's References section."""
    module = sys.modules.get(module_name)
    lines = (inspect.getdoc(module) or "").splitlines() if module else []
    entries, label, inside = {}, None, False
    for i, line in enumerate(lines):
        is_header = i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1])
        if is_header:
            inside = line.strip() == "References"
            label = None
            continue
        if not inside or _UNDERLINE.match(line):
            continue
        match = _DEFINED.match(line)
        if match:
            label = match.group(1)
            entries[label] = [line]
        elif label is not None and (line.startswith(" ") or not line.strip()):
            entries[label].append(line)
    return {k: [ln for ln in v if ln.strip()] for k, v in entries.items()}


def add_cited_references(app, what, name, obj, options, lines):
    """autodoc-process-docstring handler: see the module docstring."""
    if what == "module":
        return
    text = "\n".join(lines)
    missing = sorted(set(_CITED.findall(text)) - set(_DEFINED.findall(text)))
    if not missing:
        return
    module_name = getattr(obj, "__module__", None) or name.rpartition(".")[0]
    refs = module_references(module_name)
    entries = [line for label in missing for line in refs.get(label, [])]
    if not entries:
        return
    has_section = any(
        line.strip() == "References" and i + 1 < len(lines)
        and _UNDERLINE.match(lines[i + 1]) for i, line in enumerate(lines))
    if has_section:
        start = next(i for i, line in enumerate(lines) if line.strip() == "References") + 2
        end = next((i for i in range(start + 1, len(lines))
                    if i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1])), len(lines))
        lines[end:end] = entries + [""]
    else:
        lines.extend(["", "References", "----------"] + entries)


def setup(app):
    # before numpydoc (priority 500), which turns the sections into reST
    app.connect("autodoc-process-docstring", add_cited_references, priority=400)
    return {"parallel_read_safe": True}
