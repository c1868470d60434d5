"""Synthetic exercise clips with exact ground truth (see :mod:`formcheck.synth.generate`).

Example:
    >>> from formcheck.synth import synth_track
    >>> frames, label = synth_track("plank", seed=0)
    >>> len(label.holds)
    1
"""

from formcheck.synth.generate import SynthOptions, render_clip, synth_track, write_track

__all__ = ["SynthOptions", "render_clip", "synth_track", "write_track"]
