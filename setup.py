"""The wheel carries the seed bundles and the built dashboard as package data.

They live at the repository root (seeds/, frontend/dist/), outside the packages, so `build_py`
copies them into the built packages' `shipped/` folders (graph/package_data.py finds them there with
importlib.resources). An editable install skips the copy: a checkout reads them in place.
Everything else is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

ROOT = Path(__file__).resolve().parent
# (package, name inside its shipped/ folder, source in the checkout): as graph/package_data.py reads them.
SHIPPED = (("graph", "seeds", "seeds"), ("service", "dashboard", "frontend/dist"))


class BuildWithShippedData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        if not (ROOT / "frontend" / "dist" / "index.html").is_file():
            raise SetupError(
                "the dashboard is not built (frontend/dist/index.html is missing) and the wheel ships it: "
                "run `npm ci && npm run build` in frontend/ first"
            )
        for package, name, source in SHIPPED:
            target = Path(self.build_lib) / package / "shipped" / name
            shutil.rmtree(target, ignore_errors=True)  # a file deleted since the last build must not linger
            shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.map"))


setup(cmdclass={"build_py": BuildWithShippedData})
