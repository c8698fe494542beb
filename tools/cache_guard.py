"""Clear the notebook execution cache when the code or data the notebooks use has changed.

Jupyter Book's cache, and Sphinx's saved environment, are keyed on each page's own source. The chapters' logic and numbers live in
coursekit/ and data/, so a change there must re-run the notebooks; an unchanged rebuild stays cached.
"""

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
DOCTREES = ROOT / "_build" / ".doctrees"  # Sphinx's saved environment: it holds the executed outputs too
STAMP = ROOT / "_build" / ".inputs-hash"
INPUTS = ["coursekit", "data", "requirements.txt", "pyproject.toml"]


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def main() -> None:
    current = inputs_hash()
    previous = STAMP.read_text().strip() if STAMP.exists() else None
    if previous != current and (CACHE.exists() or DOCTREES.exists()):
        print("coursekit/ or data/ changed since the last build: every page is re-read and notebooks re-executed")
        for folder in (CACHE, DOCTREES):
            shutil.rmtree(folder, ignore_errors=True)
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current + "\n")


if __name__ == "__main__":
    main()
