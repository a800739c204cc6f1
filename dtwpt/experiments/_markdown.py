"""Markdown pieces shared by every experiment's ``report.md``.

Examples
--------
>>> print(table(["a", "b"], [[1, 2.5]]))
| a | b |
|---|---|
| 1 | 2.5 |
"""
__all__ = ["table", "verdict_table", "skipped_section", "counts_line"]

STATUSES = ("PASS", "FAIL", "INCONCLUSIVE", "N/A")


def _cell(value):
    return str(value).replace("|", "/").replace("\n", " ")


def table(header, rows):
    """A markdown table (cells made safe: ``|`` becomes ``/``)."""
    lines = ["| " + " | ".join(map(_cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def verdict_table(verdicts, *, with_level=True):
    """Lines of the verdict table of :class:`dtwpt.experiments._stats.Verdict` objects."""
    header = (["J"] if with_level else []) + ["claim", "this run (95% interval)", "criterion",
                                              "verdict"]
    rows = [([v.level] if with_level else []) + [v.claim, v.measured, v.criterion,
                                                 f"**{v.status}**"] for v in verdicts]
    return table(header, rows).splitlines()


def counts_line(verdicts):
    """``"3 PASS, 1 N/A"``: how many verdicts have each status."""
    return ", ".join(f"{n} {s}" for s in STATUSES
                     if (n := sum(v.status == s for v in verdicts)))


def skipped_section(skipped, shown=20):
    """Lines listing the skipped items (the first ``shown``; all are in ``skipped.csv``)."""
    if not skipped:
        return ["No item was skipped."]
    lines = [f"{len(skipped)} item(s) could not be used and were skipped; all are listed in "
             "`skipped.csv`.", ""]
    rows = [[f"`{name}`", why] for name, why in skipped[:shown]]
    if len(skipped) > shown:
        rows.append(["…", f"{len(skipped) - shown} more in `skipped.csv`"])
    return lines + table(["item", "reason"], rows).splitlines()
