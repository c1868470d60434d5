"""``formcheck eval --recognise PATH...``: how often the recogniser names a labelled clip's exercise.

Every labelled clip whose exercise has a spec (clips with no exercise, or one without a spec,
are left out) is recognised from its cached landmarks, and scored: the truth is the first, among
the first three, and, when wrong, was it confident (the app would not have asked)? Totals come
overall and per source: ``sample`` for the sample videos, the folder's name for filmed clips.

Example:
    >>> run = evaluate_recognition(["sample_videos"])  # doctest: +SKIP
    >>> print(format_recognition(run))  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Called with a line of text about progress.
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RecognisedClip:
    """One clip: its truth, the three best candidates with their confidences, and the time taken."""

    clip: str
    source: str
    truth: str
    top: tuple[tuple[str, float], ...]
    confident: bool
    ms: float

    @property
    def guess(self) -> str | None:
        return self.top[0][0] if self.top else None

    @property
    def right(self) -> bool:
        return self.guess == self.truth

    @property
    def in_top3(self) -> bool:
        return self.truth in [n for n, _ in self.top[:3]]


@dataclass(frozen=True, slots=True)
class Scores:
    """Totals over a set of clips."""

    clips: int
    top1: int
    top3: int
    confident: int
    wrong_confident: int
    ms_per_clip: float

    @property
    def wrong_confident_rate(self) -> float:
        """Share of all clips recognised wrongly while confident (the app would not have asked)."""
        return self.wrong_confident / self.clips if self.clips else 0.0


def scores(rows: Sequence[RecognisedClip]) -> Scores:
    """Totals of ``rows``.

    Example:
        >>> r = RecognisedClip("a", "sample", "plank", (("plank", 0.9),), True, 2.0)
        >>> scores([r]).top1, scores([r]).wrong_confident
        (1, 0)
    """
    n = len(rows)
    return Scores(n, sum(r.right for r in rows), sum(r.in_top3 for r in rows), sum(r.confident for r in rows),
                  sum(r.confident and not r.right for r in rows),
                  sum(r.ms for r in rows) / n if n else 0.0)


def _source(clip: Any) -> str:
    return Path(clip.label_path).parent.name if clip.label.source.get("kind") == "real" else "sample"


def recognise_clip(name: str, source: str, truth: str, frames: Sequence[Any]) -> RecognisedClip:
    """Recognise one clip's frames and score the answer against ``truth``."""
    from formcheck.pipeline.recognise import recognise

    started = time.perf_counter()
    result = recognise(frames)
    ms = 1000.0 * (time.perf_counter() - started)
    top = tuple((c.name, round(c.confidence, 3)) for c in result.candidates[:3])
    return RecognisedClip(name, source, truth, top, result.confident, round(ms, 1))


def evaluate_recognition(paths: Iterable[str | Path], *, cache_dir: str | Path | None = None,
                         model_path: str | Path | None = None, log: Log | None = None) -> list[RecognisedClip]:
    """Recognise every labelled clip under ``paths`` whose exercise has a spec.

    Raises:
        LabelError: Invalid label or path.
        ModelError: No pose model (a clip's landmarks are not cached yet).
    """
    from formcheck.pipeline.evaluate import discover
    from formcheck.pose.cache import cached_pose, ready_cache_dir
    from formcheck.records.errors import VideoSourceError
    from formcheck.spec import list_specs

    known = set(list_specs())
    clips = [c for c in discover(paths, None, log) if c.label.exercise in known]
    cache = ready_cache_dir(cache_dir)
    rows = []
    for i, clip in enumerate(clips, 1):
        if log is not None:
            log(f"[{i}/{len(clips)}] {clip.video.name}")
        try:
            frames, _ = cached_pose(clip.video, cache, model_path=model_path)
        except VideoSourceError as exc:
            if log is not None:
                log(f"skipped {clip.video.name}: {exc}")
            continue
        rows.append(recognise_clip(clip.label.clip, _source(clip), str(clip.label.exercise), frames))
    return rows


def _line(label: str, s: Scores) -> str:
    return (f"{label:<14} {s.clips:>5} {s.top1:>4}/{s.clips:<3} {s.top3:>4}/{s.clips:<3} "
            f"{s.wrong_confident:>4}/{s.clips:<3} ({100 * s.wrong_confident_rate:4.1f} %)  {s.ms_per_clip:7.1f}")


def format_recognition(rows: Sequence[RecognisedClip]) -> str:
    """Per clip, then totals per source and overall, then the confusions (truth → guess)."""
    out = [f"{'clip':<58} {'truth':<22} {'top-3 (confidence)':<62} {'':5} {'sure':<4}"]
    for r in rows:
        top = ", ".join(f"{n} {c:.2f}" for n, c in r.top)
        mark = "ok" if r.right else ("top3" if r.in_top3 else "WRONG")
        out.append(f"{r.clip[:58]:<58} {r.truth:<22} {top:<62} {mark:<5} {'yes' if r.confident else 'ask':<4}")
    out += ["", f"{'source':<14} {'clips':>5} {'top-1':>8} {'top-3':>8} {'wrong while confident':>21}  ms/clip"]
    for source in dict.fromkeys(r.source for r in rows):
        out.append(_line(source, scores([r for r in rows if r.source == source])))
    out.append(_line("all", scores(rows)))
    pairs = Counter((r.truth, r.guess or "-") for r in rows if not r.right)
    out += ["", "confusions (truth -> guess: clips)"]
    out += [f"  {t} -> {g}: {n}" for (t, g), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))] or ["  none"]
    return "\n".join(out)


def recognition_dict(rows: Sequence[RecognisedClip]) -> dict[str, Any]:
    """The rows and totals as JSON-ready data."""
    by = {s: asdict(scores([r for r in rows if r.source == s])) for s in dict.fromkeys(r.source for r in rows)}
    return {"clips": [{**asdict(r), "right": r.right, "in_top3": r.in_top3} for r in rows],
            "scores": {**by, "all": asdict(scores(rows))}}
