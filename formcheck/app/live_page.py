"""Live (home exercisers): webcam → pose on the server → annotated stream, big numbers, a voice.

Two views around one webrtc component (it must stay in the same place in the
page, or the browser would drop the stream):

* before START (``live_setup``): one exercise or a routine, voice options, the last results;
* once started, the workout view: the video and, beside it (above it on a phone),
  the count, hold timer, phase and message, sized for 3 m; nothing else on
  screen but a full-screen button, the voice switch, and in a routine Pause / Resume,
  Repeat set and Skip, the next exercise's demo in a lead-in or rest, and the check-in
  after an exercise (``live_checkin``).

The frame callback runs in streamlit-webrtc's worker thread: it converts the
``av.VideoFrame`` to a BGR array and back (the only place that touches av) and
hands the work to this tab's :class:`LiveState`. The script polls the state a
few times a second, redraws the panel and hands new utterances to the
browser's speech; it never blocks the callback.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from formcheck.app import widgets
from formcheck.app.browser_voice import fullscreen_html, to_play, voice_html
from formcheck.app.history_access import checkins, routines
from formcheck.app.live_checkin import CHECKIN_ERROR, demo_html, draw_checkin
from formcheck.app.live_panel import panel_html, routine_table_html
from formcheck.app.live_records import FinishedRoutine, FinishedSet
from formcheck.app.live_setup import BEEP, RESULTS, SPEAK, option, render_setup, wanted_exercise
from formcheck.app.live_state import LiveState
from formcheck.app.settings import AppSettings

#: The panel's redraw when nothing it says changed (the fps figure); a new count, phase, message or
#: utterance is drawn as soon as its frame is processed (``LiveState.news.wait``).
POLL_S = 0.25
#: Before START on a phone the camera column (START, below the choices once the columns stack) sticks
#: to the bottom of the screen, so START is in view without scrolling (STOP is in view in the workout).
#: Only before START: in the workout (``#fc-live`` on the page) it would cover the panel, the CSS
#: staying in the page after its element is gone.
START_IN_VIEW_CSS = """<style>
@media (max-width: 640px) {
  body:not(:has(#fc-live)) [data-testid="stColumn"]:has(.st-key-live_camera) {
    position: sticky; bottom: 0; z-index: 5; background: var(--background-color, #fff);
    box-shadow: 0 -6px 12px rgba(0, 0, 0, 0.08); padding-bottom: 0.3rem; }
}
</style>"""
#: No processed frame for this long while playing = the camera is gone (unplugged, revoked).
CAMERA_LOST_S = 4.0


def _state(settings: AppSettings) -> LiveState:
    """This tab's live state (one per Streamlit session, so one landmarker per tab)."""
    found: LiveState | None = st.session_state.get("live_state")
    if found is None:
        def save(summary: Any) -> int:  # whose set: the state's client when the set ends
            return widgets.store(settings).save_set(summary, source="webcam", kind="live", client=state.who.name)

        def save_routine(summary: Any) -> int:
            return routines(widgets.store(settings)).save(summary)  # in the signed-in scope (issue 27)

        def save_checkin(session_id: int, pain: int | None, difficulty: str | None) -> None:
            checkins(widgets.store(settings)).save(session_id, pain, difficulty)  # the signed-in scope

        # The address's exercise from the start: a START before the picker's first run then counts it.
        first = wanted_exercise() or next(iter(widgets.exercise_titles()))
        state = LiveState(first, model_path=settings.model_path, on_set_end=save, on_routine_end=save_routine,
                          on_checkin=save_checkin)
        st.session_state["live_state"] = state
        return state
    return found


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


def _keep_results(state: LiveState) -> None:
    """Move finished sets and routines into the session, for the view after STOP."""
    results: list[FinishedSet | FinishedRoutine] = st.session_state.setdefault(RESULTS, [])
    results.extend(state.pop_finished())
    results.extend(state.pop_finished_routines())
    del results[:-20]


def render(settings: AppSettings) -> None:
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    state = _state(settings)
    left, right = st.columns([2, 3], gap="medium")
    with left:
        # A slot per view, the other one emptied: a script that polls never ends, so the elements
        # of the other view would otherwise linger on screen, faded.
        setup_slot, workout_slot = st.empty(), st.empty()
    with right, st.container(key="live_camera"):
        ctx = webrtc_streamer(
            key="live", mode=WebRtcMode.SENDRECV, rtc_configuration=settings.rtc_configuration(),
            media_stream_constraints=settings.media_constraints(), video_frame_callback=_callback(state),
            on_video_ended=_ended(state), async_processing=True,
            video_html_attrs={"style": {"width": "100%"}, "autoPlay": True, "controls": False, "muted": True},
        )
        controls = st.container()
    if ctx.state.playing:
        setup_slot.empty()
        _workout(state, ctx, workout_slot.container(), controls)
    else:
        workout_slot.empty()
        st.session_state["live_streaming"] = False
        state.end_set("stream stopped")  # STOP: the set (or routine) under way ends and is saved
        _keep_results(state)
        with setup_slot.container():
            st.html(START_IN_VIEW_CSS)
            render_setup(settings, state)


def _workout(state: LiveState, ctx: Any, body: Any, controls: Any) -> None:
    """The panel beside the video, redrawn until the stream stops (a STOP reruns the script).

    The few controls sit under the video, so that on a phone the count and the message come first.
    """
    if not st.session_state.get("live_streaming"):
        st.session_state[RESULTS] = []  # a new stream: the last one's results are gone from view
    st.session_state["live_streaming"] = True
    with body:
        panel, summary, voice, notice = st.empty(), st.empty(), st.empty(), st.empty()
        narrow_demo, checkin = st.empty(), st.empty()
        if error := st.session_state.pop(CHECKIN_ERROR, None):
            st.warning(error)
    with controls, st.container(key="live_controls"):
        routine = state.routine_planned
        buttons = st.columns(5 if routine else 2)
        with buttons[0]:
            st.iframe(fullscreen_html(), height=44)
        with buttons[1]:
            speak = option("Voice", SPEAK, True)
        # From the plan, not from a frame having arrived: this run draws the controls once, before
        # the camera's first frame as often as not, and polls after that without redrawing them.
        if routine:
            with buttons[2]:  # the other one of the last run is hidden by the panel's CSS (it would linger)
                if state.paused:
                    st.button("Resume ▶", key="live_resume", on_click=state.resume, type="primary")
                else:
                    st.button("Pause", key="live_pause", on_click=state.pause,
                              help="Stop the clock: the set keeps its count, a rest waits")
            with buttons[3]:
                st.button("Repeat set ↺", key="live_repeat", on_click=state.repeat,
                          help="Do this set again from nothing (in a rest: the set just done)")
            with buttons[4]:
                st.button("Skip ›", key="live_skip", on_click=state.skip, help="End this set, or this rest, now")
        # The demo under the video's controls, in view beside the rest; on a phone under the panel instead.
        extras = Extras({"wide": st.empty(), "narrow": narrow_demo}, checkin)
    beep = bool(st.session_state.get(BEEP, False))
    _poll(state, ctx, panel, summary, voice, notice, speak, beep, extras)


class Extras:
    """The demo and check-in placeholders, redrawn only when what they show changes."""

    def __init__(self, demos: dict[str, Any], checkin: Any) -> None:
        self.demos, self.checkin = demos, checkin
        self.demo_of: tuple[str, str] | None = None
        self.demo_shown = False
        self.checkin_id: int | None = None

    def update(self, state: LiveState, upcoming: tuple[str, str] | None) -> None:
        if upcoming != self.demo_of or (upcoming is not None and not self.demo_shown):
            if upcoming != self.demo_of and self.demo_shown:
                for slot in self.demos.values():
                    slot.empty()
            self.demo_of, self.demo_shown = upcoming, False
            for where, slot in self.demos.items():
                shown = demo_html(*upcoming, where=where) if upcoming is not None else ""  # "": being drawn
                if shown:
                    slot.markdown(shown, unsafe_allow_html=True)
                    self.demo_shown = True
        pending = state.pending_checkin()
        wanted = pending.id if pending is not None else None
        if wanted != self.checkin_id and pending is not None and self.checkin_id is None:
            draw_checkin(state, pending, self.checkin)  # once per run: a widget is never drawn twice
            self.checkin_id = wanted


def _poll(state: LiveState, ctx: Any, panel: Any, summary: Any, voice: Any, notice: Any, speak: bool,
          beep: bool, extras: Extras) -> None:
    started, lost, shown = time.monotonic(), False, ""
    while ctx.state.playing:
        snap = state.snapshot()
        html = panel_html(snap)
        if html != shown:
            panel.markdown(html, unsafe_allow_html=True)
            shown = html
        extras.update(state, snap.upcoming)
        items = to_play(state.pop_utterances(), speak, beep)
        if items:
            voice.iframe(voice_html(items), height=1)
        _keep_results(state)
        done = next((r for r in reversed(st.session_state[RESULTS]) if isinstance(r, FinishedRoutine)), None)
        if done is not None:
            summary.markdown(routine_table_html(done), unsafe_allow_html=True)
        if snap.frames > 0 and snap.idle_s is not None and snap.idle_s <= CAMERA_LOST_S:
            lost = False
        if snap.idle_s is not None and snap.idle_s > CAMERA_LOST_S and not lost:
            # The track can stay open while the camera is gone (unplugged, taken by another app).
            state.end_set("camera stopped sending video")
            lost = True
        if snap.error:
            notice.error(snap.error)
        elif lost:
            notice.warning("The camera stopped sending video: the set so far is saved. "
                           "Check the camera, or press STOP and START again.")
        elif snap.idle_s is None and time.monotonic() - started > 15:
            notice.warning("No video from the camera yet: is it allowed and connected?")
        else:
            notice.empty()
        state.news.wait(POLL_S)
