"""Layer 1: the public surface in ``formcheck.__all__`` is sorted, complete and importable."""

from __future__ import annotations

import formcheck


def test_all_is_sorted_and_every_name_exists() -> None:
    names = [n for n in formcheck.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in formcheck.__all__:
        assert hasattr(formcheck, name), name


def test_every_error_class_is_exported() -> None:
    from formcheck.records import errors

    error_classes = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, Exception)}
    assert error_classes <= set(formcheck.__all__)
