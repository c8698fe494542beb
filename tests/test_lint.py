"""The code follows the project's ruff rules (the same check pre-commit runs)."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    paths = [p for p in ("coursekit", "coursebuild", "tests", "tools", "benchmarks", "notebooks") if (ROOT / p).exists()]
    result = subprocess.run([str(ruff), "check", "--no-cache", *paths], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
