"""Layer 0: the test session itself writes only to temporary folders, never to the user's home.

``conftest.temp_home`` points every cache, data and config folder the code
(and pip, for the model build) would use at the session's temp folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _inside(path: Path, folder: Path) -> bool:
    return folder.resolve() in path.resolve().parents


def test_every_default_folder_of_the_code_is_a_session_temp_folder(temp_home: Path) -> None:
    import platformdirs

    from formcheck.pose.cache import default_cache_dir
    from formcheck.pose.model import cache_dir
    from formcheck.store.history import default_db_path

    defaults = {"model cache": cache_dir(), "landmarks cache": default_cache_dir(),
                "history": default_db_path(), "pip cache": Path(os.environ["PIP_CACHE_DIR"]),
                "user cache": Path(platformdirs.user_cache_dir("formcheck")),
                "user data": Path(platformdirs.user_data_dir("formcheck"))}
    assert _inside(temp_home, Path(tempfile.gettempdir()))
    for what, path in defaults.items():
        assert _inside(path, temp_home), f"{what}: {path} is outside the session's temp folder"
        assert not _inside(path, Path.home()) or _inside(Path.home(), temp_home), f"{what}: {path}"


def test_the_model_fixture_is_a_pinned_file_outside_the_home(model_path: Path, temp_home: Path) -> None:
    from formcheck.pose.model import KNOWN_MODELS, check_cached

    info = check_cached(model_path)
    assert info is not None and info.sha256 in KNOWN_MODELS
    assert _inside(model_path, temp_home)
