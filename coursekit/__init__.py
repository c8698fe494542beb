"""Shared code of the course "Europe, Türkiye and the new security order".

Notebooks stay short by calling these functions:

>>> from coursekit import load, figure, check
>>> spending = load("nato_defence_spending")   # typed, with sources in .attrs

See ``book/authoring.md`` for how chapters use the toolkit.
"""

from .charts import PALETTE, Figure, figure
from .data import DataError, datasets, load, source_line, sources
from .exercises import Feedback, check
from .explorer import Choice, Explorer, Slider
from .quiz import MultipleChoice, Numeric, Option, Quiz

__version__ = "0.1.0"

__all__ = ["PALETTE", "Choice", "DataError", "Explorer", "Feedback", "Figure", "MultipleChoice", "Numeric",
           "Option", "Quiz", "Slider", "check", "datasets", "figure", "load", "source_line", "sources"]
