"""Shared code of the course "Europe, Türkiye and the new security order".

Notebooks stay short by calling these functions:

>>> from coursekit import load, figure, check
>>> spending = load("nato_defence_spending")   # typed, with sources in .attrs

See ``book/authoring.md`` for how chapters use the toolkit.
"""

from .charts import PALETTE, Figure, figure
from .data import DataError, datasets, load, source_line, sources
from .exercises import Feedback
from .exercises import check as _legacy_check
from .explorer import Choice, Explorer, Slider
from .quiz import MultipleChoice, Numeric, Option, Quiz

__version__ = "0.1.0"


def show(ref: str):
    """Display a self-check item (``"ch1-count-2024"``) or a chapter's section (``"ch1:quiz"``)."""
    from .content import show as _show

    return _show(ref)


def check(item_id: str, answer):
    """Check a computed answer to a self-check item; always answers with feedback, never raises."""
    from .content import chapters
    from .content import check as _check

    if item_id.split("-", 1)[0] in chapters():
        return _check(item_id, answer)
    return _legacy_check(item_id, answer)  # chapters not yet moved to their content file

__all__ = ["PALETTE", "Choice", "DataError", "Explorer", "Feedback", "Figure", "MultipleChoice", "Numeric",
           "Option", "Quiz", "Slider", "check", "show", "datasets", "figure", "load", "source_line", "sources"]
