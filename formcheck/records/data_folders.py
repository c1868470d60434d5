"""Data folders formcheck ships: top-level in a checkout, inside the package once installed.

In the repository, data folders such as ``exercise_specs/`` sit beside
``formcheck/`` (people add YAML files there without touching code). A wheel
ships each one as the package ``formcheck.<folder>`` (``DATA_FOLDERS`` in
``setup.py``), so an installed formcheck finds it through the import system.
Shipping another folder is one name added to ``DATA_FOLDERS``.

Example:
    >>> data_folder("exercise_specs").name
    'exercise_specs'
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

#: The repository root when formcheck runs from a checkout (an editable install, PYTHONPATH).
CHECKOUT = Path(__file__).resolve().parents[2]


def data_folder(name: str) -> Path:
    """The folder of the data set ``name``: the checkout's own, else the installed package's.

    A checkout (``pyproject.toml`` beside the package) wins, so edits there are
    seen at once. Returns the checkout path (which may not exist) when neither
    is found: callers then see no files rather than an error.
    """
    local = CHECKOUT / name
    if (CHECKOUT / "pyproject.toml").is_file() and local.is_dir():
        return local
    try:
        spec = importlib.util.find_spec(f"formcheck.{name}")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else local
