"""The browser side of spoken coaching and of the full-screen button (HTML with a small script).

Speech uses the page's ``speechSynthesis`` (it works offline, with the
system's voices; a local voice in the page's language is preferred) and the
beep a Web Audio oscillator, so no audio player is ever shown. The scripts
run in a one-pixel iframe (``st.iframe``) and act on the parent page, which
received the user's click on START (browsers speak only after a click).
Each utterance carries an id; the page remembers the last one said, so a
redraw never repeats one.

Example:
    >>> "speechSynthesis" in voice_html([Utterance(1, "3", "count", True)])
    True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from formcheck.sinks.speech import Utterance

_VOICE_JS = """
<script>
(function () {
  const P = window.parent;
  const items = %s;
  P.__fcLastSaid = P.__fcLastSaid || 0;
  const synth = P.speechSynthesis;
  function pickVoice() {
    const voices = synth ? synth.getVoices() : [];
    const lang = (P.navigator.language || "en").slice(0, 2);
    return voices.find(v => v.localService && v.lang.startsWith(lang)) || voices.find(v => v.localService) || null;
  }
  function beep() {
    const Ctx = P.AudioContext || P.webkitAudioContext;
    if (!Ctx) return;
    const ctx = P.__fcAudio || (P.__fcAudio = new Ctx());
    const osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.25;
    osc.connect(gain); gain.connect(ctx.destination);
    osc.start(); osc.stop(ctx.currentTime + 0.15);
  }
  for (const u of items) {
    if (u.id <= P.__fcLastSaid) continue;
    P.__fcLastSaid = u.id;
    if (u.kind === "beep") { beep(); continue; }
    if (!synth) continue;
    if (u.interrupt) synth.cancel();
    const said = new P.SpeechSynthesisUtterance(u.text);
    const voice = pickVoice();
    if (voice) said.voice = voice;
    synth.speak(said);
  }
})();
</script>
"""

_FULLSCREEN = """
<button id="fc-fullscreen" style="font-size:1rem;padding:0.35rem 0.9rem;border-radius:0.5rem;
  border:1px solid #bbb;background:#fff;cursor:pointer">Full screen</button>
<script>
document.getElementById("fc-fullscreen").onclick = function () {
  const d = window.parent.document;
  if (d.fullscreenElement) { d.exitFullscreen(); } else { d.documentElement.requestFullscreen(); }
};
</script>
"""


def voice_html(items: Sequence[Utterance]) -> str:
    """A script that says ``items`` (and plays their beeps) once each, in order.

    Example:
        >>> voice_html([Utterance(7, "Push your hips higher", "cue")]).count('"id": 7')
        1
    """
    return _VOICE_JS % json.dumps([asdict(u) for u in items])


def fullscreen_html() -> str:
    """A button that puts the whole page in full screen (and back).

    Example:
        >>> "requestFullscreen" in fullscreen_html()
        True
    """
    return _FULLSCREEN


def to_play(items: Sequence[Utterance], speak: bool, beep: bool) -> list[Utterance]:
    """The utterances the user wants: speech unless muted, beeps if asked for.

    Example:
        >>> [u.kind for u in to_play([Utterance(1, "1", "count"), Utterance(2, "", "beep")], False, True)]
        ['beep']
    """
    return [u for u in items if (beep if u.kind == "beep" else speak)]
