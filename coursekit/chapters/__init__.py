"""One module per chapter: its models, explorers, exercises and quiz.

Chapter modules are imported on demand (``from coursekit.chapters import ch3``),
so a notebook pays only for its own chapter. ``load_all()`` imports every
chapter, which registers all exercises with :mod:`coursekit.exercises`.
"""

import importlib
import pkgutil

MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch"))


def load_all() -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")


def load_for(exercise_id: str) -> None:
    """Import the chapter an exercise id belongs to (ids start with ``chN-``)."""
    prefix = exercise_id.split("-", 1)[0]
    if prefix in MODULES:
        importlib.import_module(f"{__name__}.{prefix}")
