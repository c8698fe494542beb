"""Shared code of the course "Europe, Türkiye and the new security order".

Notebooks stay short by calling these functions:

>>> from coursekit import load, figure, check
>>> spending = load("nato_defence_spending")   # typed, with sources in .attrs

See ``book/authoring.md`` for how chapters use the toolkit.
"""

from .charts import PALETTE, Figure, figure
from .data import DataError, datasets, load, source_line, sources
from .explorer import Choice, Explorer, Slider

__version__ = "0.1.0"


def show(ref: str):
    """Display a self-check item (``"ch1-count-2024"``) or a chapter's section (``"ch1:quiz"``)."""
    from .content import show as _show

    return _show(ref)


def check(item_id: str, answer):
    """Check a computed answer to a self-check item; always answers with feedback, never raises."""
    from .content import check as _check

    return _check(item_id, answer)


__all__ = ["PALETTE", "Choice", "DataError", "Explorer", "Figure", "Slider", "check", "show", "datasets", "figure", "load",
           "source_line", "sources"]
