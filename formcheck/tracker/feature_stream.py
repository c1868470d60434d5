"""Per-frame feature values for the tracker: computed live or read from a whole-clip batch, then smoothed.

Values are keyed ``"<side>:<feature>"`` (``"left:hip_angle"``) because the
tracker may need both sides at once (per-side counters); features averaged over
both sides (see ``resolve.both_sides``) are keyed ``"both:<feature>"``.
The live path computes only the sides asked for; ``load_batch`` computes the
whole clip at once (vectorised, same numbers) for offline analysis.

Example:
    >>> from formcheck.features.single_frame import LandmarkRows
    >>> from formcheck.records.frame import PoseFrame
    >>> stream = FeatureStream(["hip_angle"], min_visibility=0.5, smoothing=None)
    >>> stream.values(LandmarkRows.from_frame(PoseFrame.empty(0.0, (64, 48))), None, ("left",), 0.0)
    {'left:hip_angle': nan}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from formcheck.features.frames import SIDES, Frames, LandmarkArrays, SideName
from formcheck.features.registry import parse_name
from formcheck.features.resolve import both_sides, compute_sides
from formcheck.features.single_frame import LandmarkRows, SingleFrame
from formcheck.features.smoothing import OneEuroFilter
from formcheck.tracker.cuts import CutDetector


def side_keys(names: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """``{side: [(name, "side:name"), ...]}``: the keys ``FeatureStream.values`` uses, built once
    by whoever reads them every frame."""
    return {s: [(n, f"{s}:{n}") for n in names] for s in SIDES}


class FeatureStream:
    """Feature values frame by frame.

    Args:
        names: Feature names the spec reads.
        min_visibility: Landmarks below this give NaN.
        smoothing: A One-Euro filter applied to the values, or None.
        combined: Features also wanted as one value from both sides: ``{name: (combine,
            direction)}`` (see ``resolve.both_sides``), keyed ``"both:<name>"``.
    """

    def __init__(self, names: Sequence[str], min_visibility: float, smoothing: OneEuroFilter | None,
                 combined: Mapping[str, tuple[str, int]] | None = None) -> None:
        self.names = list(names)
        self.combined = dict(combined or {})
        self.min_visibility = min_visibility
        self._filter = smoothing
        self._keys: list[str] = []
        self._batch: dict[str, list[float]] = {}
        self._both_keys = [f"both:{n}" for n in self.combined]
        self._keys_for: dict[tuple[SideName, ...], list[tuple[str, str, SideName]]] = {}
        self._live: dict[tuple[SideName, ...], SingleFrame] = {}
        self._cuts = CutDetector()
        #: True when the last frame started a new shot (an edited clip's cut): histories restarted.
        self.new_shot = False

    def reset(self) -> None:
        """Forget the smoothing history (a new set, a lost person, a cut)."""
        if self._filter is not None:
            self._filter.reset()
        self._cuts.reset()

    def load_batch(self, arr: LandmarkArrays) -> None:
        """Compute every feature of both sides for a whole clip (``values`` then reads from it)."""
        fr = Frames(arr, self.min_visibility)  # shared: the combined signal reuses the sides' values
        both = compute_sides(arr, self.names, SIDES, self.min_visibility, frames=fr)
        batch = {f"{side}:{k}": v for side, vals in both.items() for k, v in vals.items()}
        batch |= {f"both:{n}": both_sides(arr, n, self.min_visibility, *how, frames=fr)
                  for n, how in self.combined.items()}
        self._batch = {k: v.tolist() for k, v in batch.items()}  # lists: a frame reads Python floats

    def clear_batch(self) -> None:
        self._batch = {}

    def values(self, rows: LandmarkRows, i: int | None, sides: Sequence[SideName], t: float) -> dict[str, float]:
        """Smoothed values of a frame for ``sides``, keyed ``"side:name"``: frame ``i`` of the
        loaded batch, or (``i`` None, live) computed from ``rows``."""
        self.new_shot = self._cuts.update(rows.px)
        if self.new_shot and self._filter is not None:
            self._filter.reset()  # the smoothing history belongs to the shot before the cut
        if i is not None:
            batch = self._batch
            raw = {key: batch[key][i] for key, _, _ in self._side_keys(tuple(sides))}
            raw |= {key: batch[key][i] for key in self._both_keys}
        else:  # live: only the sides needed (half the work when one side is followed)
            raw = self._single_frame(tuple(sides)).values(rows)
        return self._smooth(raw, t)

    def _side_keys(self, sides: tuple[SideName, ...]) -> list[tuple[str, str, SideName]]:
        """``("side:name", name, side)`` for ``sides``: built once, not every frame."""
        keys = self._keys_for.get(sides)
        if keys is None:
            keys = self._keys_for[sides] = [(f"{s}:{n}", n, s) for s in sides for n in self.names]
        return keys

    def _single_frame(self, sides: tuple[SideName, ...]) -> SingleFrame:
        """The live features for ``sides`` (the names parsed once; see ``SingleFrame``)."""
        one = self._live.get(sides)
        if one is None:
            one = self._live[sides] = SingleFrame(
                [(key, *parse_name(n), s) for key, n, s in self._side_keys(sides)],
                [(key, n, *how) for key, (n, how) in zip(self._both_keys, self.combined.items())],
                self.min_visibility)
        return one

    def _smooth(self, raw: dict[str, float], t: float) -> dict[str, float]:
        if self._filter is None:
            return raw
        keys = list(raw)
        if keys != self._keys:  # the followed side changed: its history does not apply
            self._filter.reset()
            self._keys = keys
        return dict(zip(keys, self._filter.update_list(list(raw.values()), t)))
