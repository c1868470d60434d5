"""The workout panel: the live view's words and numbers as HTML, big enough to read from the mat.

Pure functions (no streamlit): the page puts the HTML in a placeholder a few
times a second. Everything comes from the snapshot's
:class:`~formcheck.sinks.presentation.Presentation`, the one the overlay drew
on the same frame; ``data-*`` attributes carry the raw figures and the
overlay's strings, so a test can check that the panel and the video agree.

Sizes are in viewport units: the count, phase and message fit above the fold
at 1366×768 beside the video and at 390×844 above it.

Example:
    >>> html = panel_html(snapshot)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json

from formcheck.app.live_records import FinishedRoutine, LiveSnapshot
from formcheck.sinks.presentation import Presentation

#: The workout view: no sidebar, no header, no padding; the panel's type scales with the window.
WORKOUT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
  padding: 0.5rem 1rem 0 1rem !important; max-width: 100% !important; }
#fc-live { line-height: 1.05; font-family: system-ui, sans-serif; }
#fc-live .fc-title { font-size: clamp(1.1rem, 3.4vh, 2.4rem); color: #555; font-weight: 600; }
#fc-live .fc-detail { font-size: clamp(0.9rem, 2.6vh, 1.8rem); color: #777; }
#fc-live .fc-count { display: flex; align-items: baseline; gap: 0.4rem; flex-wrap: wrap; }
#fc-live .fc-big { font-size: clamp(4rem, 24vh, 14rem); font-weight: 800; line-height: 0.95; }
#fc-live .fc-done { color: #2ca02c; }
#fc-live .fc-unit { font-size: clamp(1.4rem, 5vh, 3.4rem); font-weight: 600; }
#fc-live .fc-target { font-size: clamp(1.2rem, 4vh, 2.8rem); color: #666; }
#fc-live .fc-sides, #fc-live .fc-extra { font-size: clamp(1.1rem, 3.6vh, 2.4rem); }
#fc-live .fc-phase { font-size: clamp(2rem, 8vh, 5.5rem); font-weight: 800; margin: 0.1em 0; }
#fc-live .fc-bar { background: #ddd; height: 1.2vh; min-height: 8px; border-radius: 6px; margin: 0.3em 0; }
#fc-live .fc-bar > div { background: #1f77b4; height: 100%; border-radius: 6px; }
#fc-live .fc-msg { font-size: clamp(1.3rem, 5.2vh, 3.6rem); font-weight: 700; min-height: 2.3em;
                   line-height: 1.12; }
#fc-live .fc-form { color: #c0392b; } #fc-live .fc-guide { color: #b9770e; } #fc-live .fc-next { color: #1f4e79; }
/* Pause and Resume share a place: the one of the last run would linger there, faded (the workout's run
   never ends, so Streamlit never clears its stale elements). */
[data-stale="true"].st-key-live_pause, [data-stale="true"].st-key-live_resume { display: none !important; }
#fc-live[data-mode='rest'] .fc-msg, #fc-live[data-mode='paused'] .fc-msg {
  font-size: clamp(1rem, 3.2vh, 2.2rem); min-height: 0; }
@media (max-width: 640px) {
  /* The workout's buttons stay in a row or two on a phone (columns would stack them one per line). */
  .st-key-live_controls [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.4rem !important; }
  .st-key-live_controls [data-testid="stColumn"] {
    min-width: 0 !important; width: auto !important; flex: 0 1 auto !important; }
  #fc-live .fc-big { font-size: clamp(4rem, 20vh, 10rem); }
  #fc-live[data-mode='rest'] .fc-big, #fc-live[data-mode='paused'] .fc-big { font-size: clamp(3rem, 12vh, 7rem); }
  #fc-live .fc-phase { font-size: clamp(1.8rem, 6vh, 3.5rem); }
  #fc-live .fc-msg { font-size: clamp(1.2rem, 4.2vh, 2.4rem); }
}
</style>
"""


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def view_html(view: Presentation) -> str:
    """The body of the panel for one view (count, target, sides, phase, progress, message)."""
    esc = html.escape
    parts = [f"<div class='fc-title' id='fc-title'>{esc(view.title)}</div>"]
    if view.detail:
        parts.append(f"<div class='fc-detail' id='fc-detail'>{esc(view.detail)}</div>")
    done = " fc-done" if view.done else ""
    target = f"<span class='fc-target' id='fc-target'>{esc(view.target)}</span>" if view.target else ""
    parts.append(f"<div class='fc-count'><span class='fc-big{done}' id='fc-count'>{esc(view.big)}</span>"
                 f"<span class='fc-unit' id='fc-unit'>{esc(view.unit)}</span>{target}</div>")
    if view.sides:
        parts.append(f"<div class='fc-sides' id='fc-sides'>{esc(view.sides)}</div>")
    if view.extra:
        parts.append(f"<div class='fc-extra' id='fc-extra'>{esc(view.extra)}</div>")
    parts.append(f"<div class='fc-phase' id='fc-phase'>{esc(view.phase)}</div>")
    if view.progress is not None and view.mode in ("hold", "rest"):
        pct = int(100 * min(max(view.progress, 0.0), 1.0))
        parts.append(f"<div class='fc-bar'><div style='width:{pct}%'></div></div>")
    tone = f" fc-{view.tone}" if view.tone else ""
    parts.append(f"<div class='fc-msg{tone}' id='fc-cue' data-tone='{_attr(view.tone)}'>{esc(view.message)}</div>")
    return "".join(parts)


def panel_html(snap: LiveSnapshot) -> str:
    """The whole workout panel for a snapshot (a waiting line before the first frame)."""
    view = snap.view
    reps = snap.feedback.reps if snap.feedback is not None else ""
    attrs = (f"data-fps='{snap.fps:.2f}' data-stage='{_attr(snap.stage or '')}' data-reps='{reps}' "
             f"data-overlay='{_attr(json.dumps(list(snap.overlay_texts)))}'")
    if view is None:
        body = "<div class='fc-phase'>Starting the camera…</div>"
        return f"{WORKOUT_CSS}<div id='fc-live' {attrs}>{body}</div>"
    attrs += (f" data-count='{view.count}' data-phase='{_attr(view.phase)}' data-mode='{view.mode}'"
              f" data-exercise='{_attr(snap.exercise)}'")
    return f"{WORKOUT_CSS}<div id='fc-live' {attrs}>{view_html(view)}</div>"


def routine_table_html(done: FinishedRoutine) -> str:
    """A finished routine's sets, as a small table under the panel."""
    esc = html.escape
    s = done.summary
    rows = "".join(
        f"<tr><td>{esc(x.title)}</td><td>{esc(x.label)}</td><td>{esc(x.target)}</td>"
        f"<td>{x.reps if x.reps else f'{x.hold_s:.0f} s'}</td><td>{x.score}</td></tr>" for x in s.sets)
    head = "<tr><th>exercise</th><th>set</th><th>target</th><th>done</th><th>score</th></tr>"
    if not s.sets:  # stopped in the lead-in: no "0 of 11" anywhere, and nothing in History
        return (f"<div id='fc-routine-summary' data-status='{s.status}' data-sets='0' style='font-size:1.1rem'>"
                f"<b>{esc(s.title)}</b>: stopped before any set was done; nothing saved.</div>")
    saved = "saved to History" if done.routine_session_id is not None else (done.save_error or "not saved")
    return (f"<div id='fc-routine-summary' data-status='{s.status}' data-sets='{len(s.sets)}' style='font-size:1.1rem'>"
            f"<b>{esc(s.title)}</b>: {s.status}, {len(s.sets)} of {s.sets_planned} sets in "
            f"{s.duration_s / 60:.0f} min {s.duration_s % 60:.0f} s ({esc(saved)})"
            f"<table style='width:100%'>{head}{rows}</table></div>")
