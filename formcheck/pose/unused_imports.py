"""Modules MediaPipe imports at start-up for helpers formcheck never calls: loaded only if touched.

``import mediapipe`` imports matplotlib's ``pyplot`` (its drawing helpers) and ``sounddevice``
(its audio recorder): about 0.4 s of every start-up on a laptop CPU, a tenth of ``formcheck
pose`` on a 13 s clip, and more than the pose model's own loading. Before MediaPipe is imported
:func:`defer_unused_imports` puts a stand-in for each into ``sys.modules``; the stand-in imports
the real module the first time anything reads one of its attributes, so code that does use
matplotlib (or a MediaPipe drawing helper) still works, one import later.

Example:
    >>> defer_unused_imports()  # doctest: +SKIP
    >>> import mediapipe  # doctest: +SKIP
    >>> type(sys.modules["matplotlib.pyplot"]).__name__  # doctest: +SKIP
    'DeferredModule'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

#: Top-level modules deferred, with the submodules MediaPipe imports from them.
DEFERRED: dict[str, tuple[str, ...]] = {"matplotlib": ("pyplot",), "sounddevice": ()}

_lock = threading.RLock()  # a real import may touch another stand-in


class DeferredModule(types.ModuleType):
    """Stands in for a module until one of its attributes is read, then forwards to the real one.

    Only module-level names load it: probes of a module's own dunders (``__file__``, as tools
    that list ``sys.modules`` make) find nothing and load nothing. ``__path__`` loads it, since
    importing a submodule needs it.
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name not in ("__path__", "__all__"):
            raise AttributeError(name)
        return getattr(load_real(self.__name__), name)


def defer_unused_imports() -> None:
    """Put a :class:`DeferredModule` in ``sys.modules`` for each of :data:`DEFERRED` not yet imported.

    A module that is not installed is left alone (MediaPipe handles its absence itself).
    """
    with _lock:
        for root, children in DEFERRED.items():
            if root in sys.modules or importlib.util.find_spec(root) is None:
                continue
            parent = DeferredModule(root)
            sys.modules[root] = parent
            for child in children:
                stand_in = DeferredModule(f"{root}.{child}")
                sys.modules[stand_in.__name__] = stand_in
                setattr(parent, child, stand_in)  # what `import root.child as x` reads


def load_real(name: str) -> types.ModuleType:
    """The real module ``name``, imported now if only its stand-in was there."""
    with _lock:
        module = sys.modules.get(name)
        if isinstance(module, DeferredModule):
            root = name.partition(".")[0]
            for key in [k for k, m in sys.modules.items()
                        if isinstance(m, DeferredModule) and (k == root or k.startswith(root + "."))]:
                del sys.modules[key]  # the real package must import its own submodules
            module = importlib.import_module(name)
        assert module is not None
        return module
