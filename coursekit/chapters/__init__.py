"""One module per chapter: its models, explorers, exercises and quiz.

Importing this package imports every chapter module, which registers the
chapter's exercises with :mod:`coursekit.exercises`.
"""

import importlib
import pkgutil

MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch"))
for _name in MODULES:
    importlib.import_module(f"{__name__}.{_name}")
