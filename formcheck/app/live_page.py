"""Live (home exercisers): webcam → pose on the server → annotated stream and big live numbers.

The frame callback runs in streamlit-webrtc's worker thread: it converts the
``av.VideoFrame`` to a BGR array and back (the only place that touches av) and
hands the work to this tab's :class:`LiveState`. The script polls the state a
few times a second and redraws the panel; it never blocks the callback.
"""

from __future__ import annotations

import html
import io
import time
import wave
from typing import Any

import numpy as np
import streamlit as st

from formcheck.app import widgets
from formcheck.app.live_state import FinishedSet, LiveSnapshot, LiveState
from formcheck.app.settings import AppSettings

POLL_S = 0.25
#: No processed frame for this long while playing = the camera is gone (unplugged, revoked).
CAMERA_LOST_S = 4.0


def _state(settings: AppSettings, exercise: str) -> LiveState:
    """This tab's live state (one per Streamlit session, so one landmarker per tab)."""
    state = st.session_state.get("live_state")
    if state is None:
        def save(summary: Any) -> int:
            return widgets.store(settings).save_set(summary, source="webcam", kind="live")

        state = LiveState(exercise, model_path=settings.model_path, on_set_end=save)
        st.session_state["live_state"] = state
    return state


def _callback(state: LiveState) -> Any:
    def callback(frame: Any) -> Any:
        import av

        image = frame.to_ndarray(format="bgr24")
        out = state.process(image, frame.time)
        return av.VideoFrame.from_ndarray(out, format="bgr24")

    return callback


def _ended(state: LiveState) -> Any:
    """Called in the worker thread when the camera track ends: save the set, free the model."""
    def ended() -> None:
        state.stream_ended()

    return ended


@st.cache_data(show_spinner=False)
def beep_wav() -> bytes:
    """A 0.15 s 880 Hz beep as WAV bytes."""
    rate = 16000
    t = np.arange(int(0.15 * rate)) / rate
    tone = (0.4 * np.sin(2 * np.pi * 880 * t) * np.minimum(1, (0.15 - t) * 40).clip(0)) * 32767
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.astype("<i2").tobytes())
    return buf.getvalue()


def panel_html(snap: LiveSnapshot, title: str, kind: str = "reps") -> str:
    """The live numbers, sized to be read from a mat 2-3 m away.

    Rep exercises lead with the rep count and a range-of-motion bar; holds lead
    with the hold timer. ``data-*`` attributes carry the raw figures for tests.
    """
    fb = snap.feedback
    esc = html.escape
    if fb is None:
        body = "<div style='font-size:2.2rem'>Waiting for the camera…</div>"
        return f"<div id='fc-live' style='line-height:1.15'>{body}</div>"
    big = "font-size:7rem;font-weight:800"
    parts = [f"<div style='font-size:1.4rem;color:#666'>{esc(title)}</div>"]
    shown = kind != "hold" or fb.reps > 0  # a hold shows reps only if the spec counts any
    reps = (f"<div style='{big if kind != 'hold' else 'font-size:2.2rem'}{'' if shown else ';display:none'}' "
            f"id='fc-reps' data-reps='{fb.reps}'>{fb.reps}"
            "<span style='font-size:2rem;font-weight:400'> reps</span></div>")
    if kind == "hold":
        target = f"<span style='font-size:2.5rem;font-weight:400'> / {fb.hold_target_s:.0f} s</span>" \
            if fb.hold_target_s else "<span style='font-size:2.5rem;font-weight:400'> s</span>"
        parts.append(f"<div style='{big}' id='fc-hold' data-hold='{fb.hold_s:.2f}'>{int(fb.hold_s)}{target}</div>")
        if fb.hold_lost_s:
            parts.append(f"<div style='font-size:1.6rem;color:#666'>lost to form: {fb.hold_lost_s:.1f} s</div>")
        parts.append(reps)
    else:
        parts.append(reps)
        sides = " · ".join(f"{esc(k)} {v}" for k, v in sorted(fb.reps_by_side.items()))
        if sides:
            parts.append(f"<div style='font-size:2.2rem'>{sides}</div>")
    parts.append(f"<div style='font-size:2.2rem'>phase: <b>{esc(fb.phase.replace('_', ' '))}</b></div>")
    if kind != "hold":
        pct = int(100 * min(max(fb.rom_fraction, 0.0), 1.0))
        colour = "#2ca02c" if fb.rom_fraction >= 1.0 else "#1f77b4"
        parts.append("<div style='font-size:1.2rem'>range of motion</div><div style='background:#ddd;height:28px;"
                     f"border-radius:6px'><div style='width:{pct}%;background:{colour};height:28px;"
                     "border-radius:6px'></div></div>")
    if fb.cues:
        parts.append(f"<div style='font-size:2.6rem;font-weight:700;color:#c0392b'>{esc(fb.cues[0].message)}</div>")
    if fb.guidance:
        parts.append(f"<div style='font-size:2rem;color:#b9770e'>{esc(fb.guidance)}</div>")
    parts.append(f"<div style='font-size:1rem;color:#666' id='fc-fps' data-fps='{snap.fps:.2f}'>"
                 f"processing {snap.fps:.1f} fps · {snap.ms_per_frame:.0f} ms/frame · {snap.frames} frames</div>")
    return f"<div id='fc-live' style='line-height:1.15'>{''.join(parts)}</div>"


def _show_finished(items: list[FinishedSet]) -> None:
    for done in items:
        if done.session_id is not None:
            st.success(f"Set saved to history (session {done.session_id}): {done.summary.reps} reps "
                       f"— {done.reason}.")
        elif done.save_error:
            st.warning(f"Set ended ({done.reason}), {done.save_error}")
        widgets.show_summary(done.summary, key=f"live-set-{id(done)}")


def render(settings: AppSettings) -> None:
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    st.header("Live coaching")
    titles = widgets.exercise_titles()
    if "live_exercise" not in st.session_state and st.query_params.get("exercise") in titles:
        st.session_state["live_exercise"] = st.query_params["exercise"]  # direct link ?exercise=plank
    exercise = str(st.selectbox("Exercise", list(titles), format_func=lambda n: titles[n], key="live_exercise"))
    widgets.spec_card(exercise)
    state = _state(settings, exercise)
    state.set_exercise(exercise)  # mid-stream switch: the running set is saved, counts restart
    beep = st.checkbox("Beep on each rep", key="live_beep")
    left, right = st.columns([3, 2])
    with left:
        ctx = webrtc_streamer(
            key="live", mode=WebRtcMode.SENDRECV, rtc_configuration=settings.rtc_configuration(),
            media_stream_constraints=settings.media_constraints(), video_frame_callback=_callback(state),
            on_video_ended=_ended(state), async_processing=True,
            video_html_attrs={"style": {"width": "100%"}, "autoPlay": True, "controls": False, "muted": True},
        )
        st.caption("Press START and allow the camera. If the browser blocks it, allow the camera in the "
                   "address bar (remote use needs HTTPS, see README). STOP ends the set and saves it.")
    with right:
        saved = st.empty()
        panel = st.empty()
        notice = st.empty()
        sound = st.empty()
    if not ctx.state.playing:
        state.end_set("stream stopped")
    new = list(reversed(state.pop_finished()))
    finished: list[FinishedSet] = st.session_state.setdefault("live_finished", [])
    finished[:0] = new
    del finished[5:]
    if finished and not ctx.state.playing:
        st.subheader("Last set")
        _show_finished(finished[:1])
    elif new:  # a set ended while streaming (exercise switched): say it was kept
        saved.success(" · ".join(f"Saved: {f.summary.title}, {widgets.plural(f.summary.reps, 'rep')} "
                                 f"({f.reason})" for f in new))
    _poll(state, titles, panel, notice, sound, beep, ctx)


def _poll(state: LiveState, titles: dict[str, str], panel: Any, notice: Any, sound: Any, beep: bool,
          ctx: Any) -> None:
    """Redraw the live numbers until the stream stops (a STOP reruns the script, ending this loop)."""
    last_reps, started, lost, beeps = -1, time.monotonic(), False, 0
    while ctx.state.playing:
        snap = state.snapshot()
        kind = str(getattr(widgets.spec(snap.exercise), "kind", "reps"))
        panel.markdown(panel_html(snap, titles.get(snap.exercise, snap.exercise), kind), unsafe_allow_html=True)
        if snap.frames > 0 and snap.idle_s is not None and snap.idle_s <= CAMERA_LOST_S:
            lost = False
        if snap.idle_s is not None and snap.idle_s > CAMERA_LOST_S:
            # The track can stay open while the camera is gone (unplugged, taken by another app).
            lost = state.end_set("camera stopped sending video") is not None or lost
        if snap.error:
            notice.error(snap.error)
        elif lost:
            notice.warning("The camera stopped sending video: the set so far is saved. "
                           "Check the camera, or press STOP and START again.")
        elif snap.idle_s is None and time.monotonic() - started > 15:
            notice.warning("No video from the camera yet: is it allowed and connected?")
        else:
            notice.empty()
        reps = snap.feedback.reps if snap.feedback is not None else 0
        if beep and last_reps >= 0 and reps > last_reps:
            beeps += 1  # a new alt text per beep: Streamlit refuses two identical elements in one run
            sound.audio(beep_wav(), format="audio/wav", autoplay=True, alt=f"beep {beeps}")
        last_reps = reps
        time.sleep(POLL_S)
