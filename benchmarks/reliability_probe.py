"""Probe: the real CLI against hostile inputs and faults (issue 23's probe; not part of the tests).

Generates damaged, truncated, zero-byte and non-video files with video
extensions, folders and unreadable files as inputs, bad values for every
numeric option, specs and routines with non-finite or huge numbers and alias
bombs, landmark files with lying shapes, pickles and bad ``fps``, CSV-formula
clip names, unwritable outputs, signals mid-run, ``kill -9`` of a batch and a
Ray address with nothing listening, all in one temp folder that is removed at
the end. Each case runs ``python -m formcheck ...`` of this checkout in a new
session under a timeout and an address-space limit, with ``HOME``,
``XDG_*``, ``TMPDIR`` and ``FORMCHECK_CACHE_DIR`` pointed into the temp folder
(``FORMCHECK_MODEL`` at the model already downloaded, if any) and a per-run
marker variable, and fails on:

* ``traceback``: a Python traceback in stderr;
* ``hang``: still running at its timeout (then killed);
* ``error-lines``: more than one ``formcheck: error:`` line, or a user mistake
  that exits 0 or without its one error line, or a crash by a signal;
* ``orphan``: a process carrying the run's marker still alive 5 s after the run
  ended (killed by the probe, by its pid);
* ``temp-file``: a hidden half-written file (``.<name>.<pid>-<random>...``)
  left in an output folder, or anything left in the run's ``TMPDIR``;
* ``home``: a file written into the run's ``HOME``;
* ``memory``: a peak RSS over ``--max-mb`` (default 1500);
* ``check``: a case's own check (e.g. a CSV cell starting with ``=``).

The permission cases run under ``setpriv`` without root's file-access override
(skipped where ``setpriv`` is missing or we are not root, since a normal user
has no override). Prints one line per case (category, case, outcome, seconds,
peak MB) and a summary; exits 1 if any case failed.

Usage: python benchmarks/reliability_probe.py [--jobs N] [--only TEXT] [--max-mb MB] [--as-gb GB] [--keep]
(--jobs: cases run at once, default 2; signal and kill cases always run alone;
--only: run the cases whose "category/name" contains TEXT; --keep: keep the temp folder)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import resource
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MARKER = "FORMCHECK_PROBE_RUN"
NOCAPS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
          "--inh-caps=-dac_override,-dac_read_search"]
TEMP_RE = re.compile(r"^\..+\.\d+-[0-9a-f]{8}")
ERROR_RE = re.compile(r"^formcheck( [\w-]+)*: error:", re.M)
SPEC = "band_pull_apart"
BAD_NUMBERS = ["nan", "inf", "-1", "1e309", "9" * 300, "abc"]


@dataclass
class Case:
    category: str
    name: str
    args: list[str]
    expect: str = "any"          # "error": a user mistake (one error line, exit != 0); "ok": exit 0
    timeout: float = 60.0
    nocaps: bool = False         # run without root's file-access override
    stdout: str | None = None    # e.g. /dev/full
    env: dict[str, str] = field(default_factory=dict)
    kill: tuple[float, int, bool] | None = None   # (after seconds, signal, to the whole group)
    check: Callable[[Run], list[str]] | None = None
    alone: bool = False
    cwd: Path | None = None      # default: the run's own work folder


@dataclass
class Run:
    case: Case
    folder: Path
    rc: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    failures: list[str]
    signalled: bool = False      # the case's signal was sent before the run ended


def limit(as_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def marked_pids(token: str) -> list[int]:
    """Processes whose environment carries this run's marker."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            env = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if needle in env.split(b"\0"):
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class Probe:
    def __init__(self, base: Path, args: argparse.Namespace) -> None:
        self.base = base
        self.args = args
        self.cache = base / "cache"
        self.xdg = base / "xdg"
        self.inputs = base / "inputs"
        self.model = self.find_model()
        self.root_nocaps = os.geteuid() == 0 and shutil.which("setpriv") is not None
        self.lock = threading.Lock()
        self.count = 0

    def find_model(self) -> str | None:
        if os.environ.get("FORMCHECK_MODEL"):
            return os.environ["FORMCHECK_MODEL"]
        try:
            from formcheck.pose.model import cache_dir
            found = sorted(cache_dir().glob("*.task"))
        except Exception:  # noqa: BLE001 - no model: the probe downloads nothing, cases needing it fail cleanly
            found = []
        return str(found[0]) if found else None

    def env(self, case: Case, folder: Path, token: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "FORMCHECK_", "MPLCONFIGDIR", "PYTHON", "RAY_"))}
        env.update({
            "PYTHONPATH": str(ROOT), "HOME": str(folder / "home"), "TMPDIR": str(folder / "tmp"),
            "XDG_CACHE_HOME": str(self.xdg / "cache"), "XDG_CONFIG_HOME": str(self.xdg / "config"),
            "XDG_DATA_HOME": str(self.xdg / "data"), "XDG_STATE_HOME": str(self.xdg / "state"),
            "XDG_RUNTIME_DIR": str(self.xdg / "runtime"),
            "FORMCHECK_CACHE_DIR": str(self.cache), MARKER: token, "PYTHONUNBUFFERED": "1",
        })
        if self.model:
            env["FORMCHECK_MODEL"] = self.model
        env.update(case.env)
        return {k: v for k, v in env.items() if v != "<unset>"}

    def run(self, case: Case) -> Run:
        with self.lock:
            self.count += 1
            n = self.count
        folder = self.base / "runs" / f"{n:03d}"
        for sub in ("home", "tmp", "work"):
            (folder / sub).mkdir(parents=True)
        token = secrets.token_hex(8)
        cmd = [sys.executable, "-m", "formcheck", *[a.replace("{run}", str(folder / "work")) for a in case.args]]
        if case.nocaps:
            cmd = NOCAPS + cmd
        out_path = Path(case.stdout) if case.stdout else folder / "stdout"
        t0 = time.monotonic()
        with open(out_path, "wb") as out, open(folder / "stderr", "wb") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    cwd=case.cwd or folder / "work", env=self.env(case, folder, token),
                                    start_new_session=True,
                                    preexec_fn=limit(int(self.args.as_gb * 2**30)))
        failures: list[str] = []
        sent = False
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.monotonic() - t0
            if case.kill and not sent and now >= case.kill[0]:
                sent = True
                if case.kill[2]:
                    os.killpg(proc.pid, case.kill[1])
                else:
                    os.kill(proc.pid, case.kill[1])
            if now > case.timeout:
                failures.append("hang")
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
        peak_mb = usage.ru_maxrss / 1024 if usage else 0.0
        # Children still alive: give PR_SET_PDEATHSIG / cleanup a moment, then kill them by pid.
        deadline = time.monotonic() + 5
        left = [p for p in marked_pids(token) if alive(p)]
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = [p for p in marked_pids(token) if alive(p)]
        if left:
            failures.append("orphan")
            for p in left:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        stdout = "" if case.stdout else (folder / "stdout").read_text(errors="replace")
        stderr = (folder / "stderr").read_text(errors="replace")
        run = Run(case, folder, proc.returncode, seconds, peak_mb, stdout, stderr, failures, sent)
        self.judge(run)
        return run

    def judge(self, run: Run) -> None:
        case, f = run.case, run.failures
        if "Traceback (most recent call last)" in run.stderr:
            f.append("traceback")
        errors = len(ERROR_RE.findall(run.stderr))
        if errors > 1:
            f.append("error-lines")
        elif case.expect == "error" and "hang" not in f and (run.rc == 0 or errors != 1):
            f.append("error-lines")
        elif case.expect == "ok" and "hang" not in f and run.rc != 0:
            f.append("exit")
        if run.rc < 0 and case.kill is None and "hang" not in f:
            f.append("crash")
        temps = [p for p in (run.folder / "work").rglob(".*") if TEMP_RE.match(p.name) or ".tmp" in p.name]
        temps += list((run.folder / "tmp").iterdir())
        if temps:
            f.append("temp-file")
            run.stderr += "\n[probe] left: " + ", ".join(str(p.relative_to(run.folder)) for p in temps[:5])
        home = [p for p in (run.folder / "home").rglob("*") if p.is_file()]
        if home and not case.env.get("HOME"):
            f.append("home")
            run.stderr += "\n[probe] in HOME: " + ", ".join(str(p.relative_to(run.folder)) for p in home[:5])
        if run.peak_mb > self.args.max_mb:
            f.append("memory")
        if case.check:
            try:
                f.extend(case.check(run))
            except Exception as exc:  # noqa: BLE001 - a check that cannot read its files is a failure
                f.append(f"check({type(exc).__name__}: {exc})")

    def cleanup(self) -> None:
        for path in self.base.rglob("*"):
            try:
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o755)
            except OSError:
                pass
        shutil.rmtree(self.base, ignore_errors=True)


# --------------------------------------------------------------------------- inputs

def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, stdin=subprocess.DEVNULL)


def make_inputs(d: Path) -> dict[str, Path]:
    d.mkdir(parents=True)
    src = ROOT / "sample_videos" / "band_pull_apart_front_arms_low.mp4"
    p: dict[str, Path] = {"full": d / "full.mp4"}
    shutil.copy(src, p["full"])
    p["tiny"] = d / "tiny.mp4"
    ffmpeg("-i", str(src), "-t", "1.4", "-vf", "scale=320:180", "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p",
           str(p["tiny"]))
    p["one_frame"] = d / "one_frame.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=16x16:d=0.04", "-frames:v", "1", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(p["one_frame"]))
    p["png"] = d / "still.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x64", "-frames:v", "1", str(p["png"]))
    faststart = d / "faststart.mp4"  # index first: a copy cut part-way still opens
    ffmpeg("-i", str(src), "-c", "copy", "-movflags", "+faststart", str(faststart))
    p["cut"] = d / "cut_off.mp4"
    p["cut"].write_bytes(faststart.read_bytes()[: faststart.stat().st_size * 6 // 10])
    p["npz"] = d / "good.npz"
    shutil.copy(ROOT / "sample_videos" / "band_pull_apart_front_arms_low.npz", p["npz"])
    return p


def damaged_videos(d: Path, p: dict[str, Path]) -> dict[str, Path]:
    d.mkdir(parents=True)
    v: dict[str, Path] = {}
    data = p["full"].read_bytes()
    rng = np.random.default_rng(23)
    for ext in ("mp4", "mov", "avi", "mkv", "webm"):
        v[f"zero-byte.{ext}"] = d / f"zero.{ext}"
        v[f"zero-byte.{ext}"].write_bytes(b"")
    v["random-bytes.mp4"] = d / "random.mp4"
    v["random-bytes.mp4"].write_bytes(rng.bytes(200_000))
    v["text.mp4"] = d / "text.mp4"
    v["text.mp4"].write_text("this is not a video\n" * 100)
    v["first-4KB.mp4"] = d / "head4k.mp4"
    v["first-4KB.mp4"].write_bytes(data[:4096])
    v["first-half.mp4"] = d / "half.mp4"
    v["first-half.mp4"].write_bytes(data[: len(data) // 2])
    v["last-half.mp4"] = d / "tail.mp4"
    v["last-half.mp4"].write_bytes(data[len(data) // 2:])
    noisy = bytearray(data)
    idx = rng.integers(4096, len(noisy), len(noisy) // 20)
    for i in idx:
        noisy[int(i)] = int(rng.integers(0, 256))
    v["5%-bytes-scrambled.mp4"] = d / "scrambled.mp4"
    v["5%-bytes-scrambled.mp4"].write_bytes(bytes(noisy))
    v["png-as-mp4"] = d / "png.mp4"
    shutil.copy(p["png"], v["png-as-mp4"])
    v["npz-as-mp4"] = d / "npz.mp4"
    shutil.copy(p["npz"], v["npz-as-mp4"])
    v["one-16px-frame.mp4"] = p["one_frame"]
    v["folder.mp4"] = d / "folder.mp4"
    v["folder.mp4"].mkdir()
    v["fifo.mp4"] = d / "fifo.mp4"
    os.mkfifo(v["fifo.mp4"])
    v["dangling-symlink.mp4"] = d / "dangling.mp4"
    v["dangling-symlink.mp4"].symlink_to(d / "nowhere.mp4")
    v["symlink-loop.mp4"] = d / "loop.mp4"
    v["symlink-loop.mp4"].symlink_to(d / "loop.mp4")
    v["missing.mp4"] = d / "missing.mp4"
    v["/dev/null"] = Path("/dev/null")
    v["/dev/zero.mp4"] = d / "devzero.mp4"
    v["/dev/zero.mp4"].symlink_to("/dev/zero")
    v["name-300-chars.mp4"] = d / ("x" * 300 + ".mp4")
    v["newline-in-name.mp4"] = d / "new\nline.mp4"
    shutil.copy(p["tiny"], v["newline-in-name.mp4"])
    v["unreadable.mp4"] = d / "unreadable.mp4"
    shutil.copy(p["tiny"], v["unreadable.mp4"])
    v["unreadable.mp4"].chmod(0)
    locked = d / "locked"
    locked.mkdir()
    shutil.copy(p["tiny"], locked / "inside.mp4")
    v["in-folder-without-x.mp4"] = locked / "inside.mp4"
    return v


def write_spec(d: Path, name: str, mutate: Callable[[str], str]) -> Path:
    text = (ROOT / "exercise_specs" / f"{SPEC}.yaml").read_text()
    path = d / f"{name}.yaml"
    path.write_text(mutate(text))
    return path


def bad_specs(d: Path) -> dict[str, Path]:
    d.mkdir(parents=True)
    s: dict[str, Path] = {}

    def sub(old: str, new: str) -> Callable[[str], str]:
        def f(text: str) -> str:
            assert old in text, old
            return text.replace(old, new, 1)
        return f

    for label, value in [("rep.start .nan", ".nan"), ("rep.start 1e309", "1e309"), ("rep.start -.inf", "-.inf"),
                         ("rep.start 300 digits", "9" * 300), ("rep.start 5000 digits", "9" * 5000),
                         ("rep.start string", "'abc'"), ("rep.start null", "null"), ("rep.start list", "[1, 2]"),
                         ("rep.start bool", "true")]:
        s[label] = write_spec(d, f"start{len(s)}", sub("start: 1.0 ", f"start: {value} "))
    s["rep.peak .inf"] = write_spec(d, "peak_inf", sub("peak: 3.0 ", "peak: .inf "))
    s["rep.min_duration -1"] = write_spec(d, "mindur", sub("min_duration: 0.8", "min_duration: -1"))
    s["rep.min_duration 1e300"] = write_spec(d, "mindur2", sub("min_duration: 0.8", "min_duration: 1e300"))
    s["targets.reps 1e25"] = write_spec(d, "reps", sub("reps: 15", "reps: 1e25"))
    s["targets.sets 10**30"] = write_spec(d, "sets", sub("sets: 2", "sets: " + "1" + "0" * 30))
    s["rule priority nan"] = write_spec(d, "prio", sub("priority: 2", "priority: .nan"))
    s["condition number 1e309"] = write_spec(d, "cond", sub('"upper_arm_elevation_3d < -20"',
                                                            '"upper_arm_elevation_3d < 1e309"'))
    s["condition number nan"] = write_spec(d, "cond2", sub('"upper_arm_elevation_3d < -20"',
                                                           '"upper_arm_elevation_3d < nan"'))
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    (d / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    s["alias bomb"] = d / "bomb.yaml"
    (d / "bomb_in_spec.yaml").write_text(
        (ROOT / "exercise_specs" / f"{SPEC}.yaml").read_text() + "\n".join("x_" + b for b in bomb).replace("*", "*x_")
        .replace("&", "&x_") + "\n")
    s["alias bomb inside a spec"] = d / "bomb_in_spec.yaml"
    (d / "huge.yaml").write_text("# " + "x" * 100 + "\n" + ("k: " + "y" * 1000 + "\n") * 30_000)
    s["30 MB file"] = d / "huge.yaml"
    (d / "deep.yaml").write_text("[" * 50_000 + "]" * 50_000 + "\n")
    s["50,000 nested lists"] = d / "deep.yaml"
    (d / "many.yaml").write_text("".join(f"k{i}: {i}\n" for i in range(200_000)))
    s["200,000 keys"] = d / "many.yaml"
    (d / "empty.yaml").write_text("")
    s["empty file"] = d / "empty.yaml"
    (d / "list.yaml").write_text("- 1\n- 2\n")
    s["a list"] = d / "list.yaml"
    (d / "python.yaml").write_text("name: !!python/object/apply:os.system ['echo pwned']\n")
    s["python tag"] = d / "python.yaml"
    (d / "binary.yaml").write_bytes(bytes(range(256)) * 40)
    s["binary garbage"] = d / "binary.yaml"
    (d / "utf16.yaml").write_bytes((ROOT / "exercise_specs" / f"{SPEC}.yaml").read_text().encode("utf-16"))
    s["UTF-16"] = d / "utf16.yaml"
    (d / "date.yaml").write_text("name: x\nwhen: 2023-02-30\n")
    s["impossible date"] = d / "date.yaml"
    (d / "folder.yaml").mkdir()
    s["a folder"] = d / "folder.yaml"
    s["missing"] = d / "missing.yaml"
    s["unreadable"] = write_spec(d, "unreadable", lambda t: t)
    s["unreadable"].chmod(0)
    return s


def bad_routines(d: Path) -> dict[str, Path]:
    d.mkdir(parents=True)
    text = (ROOT / "routines" / "lower_back.yaml").read_text()
    r: dict[str, Path] = {}
    for label, old, new in [("rest_s .nan", "rest_s: 30 ", "rest_s: .nan "),
                            ("lead_in_s 1e309", "lead_in_s: 10 ", "lead_in_s: 1e309 "),
                            ("reps 300 digits", "reps: 10", "reps: " + "9" * 300),
                            ("sets 1e25", "sets: 2", "sets: 1e25"),
                            ("hold_s -.inf", "hold_s: 10", "hold_s: -.inf"),
                            ("hold_s -5", "hold_s: 10", "hold_s: -5")]:
        assert old in text, old
        path = d / f"r{len(r)}.yaml"
        path.write_text(text.replace(old, new, 1))
        r[label] = path
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(11)]
    (d / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    r["alias bomb"] = d / "bomb.yaml"
    (d / "huge.yaml").write_text(("k: " + "y" * 1000 + "\n") * 30_000)
    r["30 MB file"] = d / "huge.yaml"
    return r


def write_npz(path: Path, members: dict[str, np.ndarray]) -> Path:
    np.savez_compressed(path, **members)  # type: ignore[arg-type]
    return path


def bad_landmarks(d: Path, good: Path) -> dict[str, Path]:
    d.mkdir(parents=True)
    base = dict(np.load(good))
    n = len(base["t"])
    out: dict[str, Path] = {}

    def variant(label: str, **changes: np.ndarray | None) -> None:
        m = {k: v for k, v in base.items() if k not in changes}
        m.update({k: v for k, v in changes.items() if v is not None})
        out[label] = write_npz(d / f"l{len(out)}.npz", m)

    def meta(fps: object) -> np.ndarray:
        return np.array(f'{{"generator": "probe", "fps": {fps}, "clip": "x.mp4"}}')

    variant("image 3,000,000 rows, t 1 row", image=np.zeros((3_000_000, 33, 3), np.float32),
            t=np.zeros(1), world=None, visibility=None, presence=None, num_people=None, person_switched=None)
    variant("t with 1 row", t=np.zeros(1))
    variant("t empty", t=np.zeros(0))
    variant("t decreasing", t=base["t"][::-1].copy())
    variant("t all nan", t=np.full(n, np.nan))
    variant("t inf", t=np.full(n, np.inf))
    variant("image nan", image=np.full_like(base["image"], np.nan))
    variant("image inf", image=np.full_like(base["image"], np.inf))
    variant("image 5 landmarks", image=base["image"][:, :5])
    variant("image 1-D", image=base["image"].reshape(-1))
    variant("image as strings", image=np.array(["x"] * n))
    variant("image complex", image=base["image"].astype(np.complex64))
    variant("no image", image=None)
    variant("only t", image=None, world=None, visibility=None, presence=None, num_people=None,
            person_switched=None, meta=None, format=None, version=None, image_wh=None)
    variant("image_wh 0x0", image_wh=np.array([0, 0], np.int32))
    variant("image_wh 10**9", image_wh=np.array([10**9, 10**9], np.int64))
    variant("version 999", version=np.array(999))
    variant("format wrong", format=np.array("something-else"))
    for fps in ("-1", "0", "1e309", "NaN", "Infinity", '"abc"', "1e6", "null"):
        variant(f"meta fps {fps}", meta=meta(fps))
    variant("meta not JSON", meta=np.array("{not json"))
    variant("meta 10 MB", meta=np.array('{"x": "' + "y" * 10_000_000 + '"}'))
    variant("meta a list", meta=np.array("[1, 2, 3]"))
    path = d / "pickle.npz"
    m = dict(base)
    m["image"] = np.array([{"a": 1}] * n, dtype=object)
    np.savez(path, **m)
    out["pickled object image"] = path
    path = d / "pickle_extra.npz"
    m = dict(base)
    m["evil"] = np.array([object()], dtype=object)
    np.savez(path, **m)
    out["extra pickled member"] = path
    path = d / "zipbomb.npz"
    shutil.copy(good, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("junk.npy", b"\0" * 300_000_000)
    out["300 MB junk member"] = path
    path = d / "lying_header.npz"
    with zipfile.ZipFile(path, "w") as z:
        for k, v in base.items():
            bio = io.BytesIO()
            np.lib.format.write_array(bio, v)
            raw = bio.getvalue()
            z.writestr(f"{k}.npy", raw[: len(raw) // 3] if k == "image" else raw)
    out["image truncated after its header"] = path
    (d / "zero.npz").write_bytes(b"")
    out["zero-byte"] = d / "zero.npz"
    (d / "text.npz").write_text("not a zip\n")
    out["text"] = d / "text.npz"
    (d / "half.npz").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    out["first half"] = d / "half.npz"
    np.save(d / "plain.npy", base["image"])
    (d / "plain.npy").rename(d / "plain.npz")
    out[".npy renamed .npz"] = d / "plain.npz"
    return out


# --------------------------------------------------------------------------- checks

def no_formula_cells(run: Run) -> list[str]:
    out = run.folder / "work" / "out"
    bad = []
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _number(cell)):
                bad.append(cell)
    if bad:
        return [f"check(formula cells: {bad[:3]})"]
    if len(rows) != 4:
        return [f"check(summary.csv has {len(rows) - 1} rows for 3 clips)"]
    return []


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def quick(seconds: float) -> Callable[[Run], list[str]]:
    def check(run: Run) -> list[str]:
        return [] if run.seconds <= seconds else [f"check(took {run.seconds:.0f} s, over {seconds:.0f})"]
    return check


def stopped(run: Run) -> list[str]:
    """A signalled run must stop (any exit but 0) and leave no temp file (checked in judge).

    A run that ended before its signal was due is not judged here (the line says so).
    """
    return ["check(exit 0 after the signal)"] if run.rc == 0 and run.signalled else []


# --------------------------------------------------------------------------- cases

def build_cases(base: Path, can_nocaps: bool) -> list[Case]:
    p = make_inputs(base / "inputs")
    vids = damaged_videos(base / "inputs" / "damaged", p)
    specs = bad_specs(base / "inputs" / "specs")
    routines = bad_routines(base / "inputs" / "routines")
    marks = bad_landmarks(base / "inputs" / "landmarks", p["npz"])
    cases: list[Case] = []
    add = cases.append
    nocaps_names = {"unreadable.mp4", "in-folder-without-x.mp4"}
    (base / "inputs" / "damaged" / "locked").chmod(0o600)

    # 1. damaged videos and odd paths: analyze (all), pose (some), batch (some)
    for label, path in vids.items():
        nocaps = label in nocaps_names
        if nocaps and not can_nocaps:
            continue
        expect = "any" if label in ("one-16px-frame.mp4", "5%-bytes-scrambled.mp4", "last-half.mp4",
                                    "first-half.mp4", "newline-in-name.mp4") else "error"
        add(Case("video", f"analyze {label}", ["analyze", str(path), "-e", SPEC, "--no-video", "--no-progress",
                                              "-o", "{run}/out"], expect, timeout=90, nocaps=nocaps))
        if label in ("zero-byte.mp4", "random-bytes.mp4", "first-4KB.mp4", "folder.mp4", "unreadable.mp4",
                     "fifo.mp4", "/dev/zero.mp4", "png-as-mp4", "in-folder-without-x.mp4"):
            add(Case("video", f"pose {label}", ["pose", str(path), "-o", "{run}/x.npz", "--no-progress"],
                     "error", timeout=90, nocaps=nocaps))
    add(Case("video", "analyze a png still", ["analyze", str(p["png"]), "-e", SPEC, "--no-video", "--no-progress",
                                              "-o", "{run}/out"], timeout=90))
    add(Case("video", "analyze a clip cut off at 60% (note)", ["analyze", str(p["cut"]), "-e", SPEC, "--no-video",
                                                                "--no-progress", "-o", "{run}/out"], "ok",
             timeout=120, check=ended_early))
    damaged_dir = base / "inputs" / "damaged"
    add(Case("video", "batch the damaged folder", ["batch", str(damaged_dir), "-e", SPEC, "-o", "{run}/out",
                                                   "--no-progress"], timeout=300, alone=True,
             nocaps=can_nocaps))
    add(Case("video", "batch -r the damaged folder", ["batch", str(damaged_dir), "-r", "-e", SPEC,
                                                      "-o", "{run}/out", "--no-progress"], timeout=300,
             alone=True, nocaps=can_nocaps))
    add(Case("video", "batch an empty folder", ["batch", str(base / "inputs" / "specs" / "folder.yaml"), "-e", SPEC,
                                                "-o", "{run}/out"], "error"))
    add(Case("video", "batch a glob matching nothing", ["batch", str(base / "nothing*.mp4"), "-e", SPEC,
                                                        "-o", "{run}/out"], "error"))
    add(Case("video", "live --video zero-byte", ["live", "-e", SPEC, "--video", str(vids["zero-byte.mp4"])],
             "error", env={"DISPLAY": "<unset>"}))
    add(Case("video", "live --video text", ["live", "-e", SPEC, "--video", str(vids["text.mp4"])], "error",
             env={"DISPLAY": "<unset>"}))
    add(Case("video", "live without a display", ["live", "-e", SPEC, "--video", str(p["tiny"])], "error",
             env={"DISPLAY": "<unset>", "WAYLAND_DISPLAY": "<unset>"}))
    add(Case("video", "analyze -e any zero-byte", ["analyze", str(vids["zero-byte.mp4"]), "-e", "any",
                                                   "-o", "{run}/out"], "error"))
    add(Case("video", "analyze -e any random bytes", ["analyze", str(vids["random-bytes.mp4"]), "-e", "any",
                                                      "-o", "{run}/out"], "error"))
    fake = base / "inputs" / "repcount"
    fake.mkdir()
    for name, array in (("a", None), ("b", np.zeros(500, np.float32)), ("c", np.array([{"x": 1}], dtype=object)),
                        ("d", np.ones((1_000_000, 99), np.uint8))):  # d: 99 MB on disk, 800 MB as floats
        sub_dir = fake / name
        sub_dir.mkdir()
        (sub_dir / "labels.csv").write_text(f"name,type,count,boundaries\n{name}.npy,squat,3,\n")
        if array is None:
            (sub_dir / "a.npy").write_text("not an array")
        else:
            np.save(sub_dir / f"{name}.npy", array, allow_pickle=array.dtype == object)
    for label, target in (("missing folder", damaged_dir / "nowhere"), ("a zero-byte file", vids["zero-byte.mp4"]),
                          ("the damaged folder", damaged_dir), ("an empty folder", damaged_dir / "folder.mp4"),
                          ("text as .npy", fake / "a"), ("1-D .npy", fake / "b"), ("pickled .npy", fake / "c"),
                          ("1,000,000-row uint8 .npy", fake / "d")):
        add(Case("video", f"eval --repcount {label}", ["eval", "--repcount", str(target), "--cache", "{run}/cache"],
                 "error", timeout=120))
    add(Case("video", "analyze unknown exercise", ["analyze", str(p["tiny"]), "-e", "no_such_exercise"], "error"))

    # 2. bad option values
    for value in BAD_NUMBERS + ["0", "100000"]:
        add(Case("option", f"batch -j {value[:12]}", ["batch", str(p["tiny"]), "-e", SPEC, "-j", value,
                                                      "-o", "{run}/out", "--no-progress"],
                 "error" if value not in ("100000", "9" * 300) else "any", timeout=120))
    for value in ["nan", "-1", "0", "3", "abc"]:
        add(Case("option", f"batch --frame-step {value[:12]}", ["batch", str(p["tiny"]), "-e", SPEC,
                                                                "--frame-step", value, "-o", "{run}/out"], "error"))
    for value in BAD_NUMBERS + ["0", "1e-300"]:
        add(Case("option", f"pose --max-seconds {value[:12]}", ["pose", str(p["tiny"]), "--max-seconds", value,
                                                                "-o", "{run}/x.npz", "--no-progress"],
                 "error" if value not in ("1e-300", "9" * 300) else "any", timeout=90))
    labels = base / "inputs" / "labels"
    labels.mkdir()
    for value in BAD_NUMBERS + ["0", "100000"]:
        add(Case("option", f"eval --frame-step {value[:12]}", ["eval", str(labels), "--frame-step", value,
                                                               "--cache", "{run}/cache"], "error"))
    for value in ["nan", "-1", "abc", "1e309", "9" * 300]:
        add(Case("option", f"live --camera {value[:12]}", ["live", "-e", SPEC, "--camera", value], "error",
                 timeout=30, env={"DISPLAY": "<unset>"}))
    synth_numeric = ["--reps", "--seed", "--hold", "--rom", "--height", "--fps", "--camera-height",
                     "--camera-distance", "--camera-yaw", "--jitter", "--duration"]
    for opt in synth_numeric:
        exercise = "idle" if opt == "--duration" else SPEC
        for value in ["nan", "inf", "-1", "9" * 300, "abc"]:
            add(Case("option", f"synth {opt} {value[:12]}",
                     ["synth", exercise, opt, value, "--landmarks-only", "-o", "{run}/c.npz"],
                     "any" if (opt, value) in (("--seed", "9" * 300), ("--camera-yaw", "-1")) else "error",
                     timeout=60))
    for value in ["nan,1,1,1", "1e309,1,1,1", "-1,-1,-1,-1", "0,0,0,0", "a,b,c,d", "1," * 10000 + "1"]:
        add(Case("option", f"synth --tempo {value[:14]}", ["synth", SPEC, "--tempo", value, "--landmarks-only",
                                                           "-o", "{run}/c.npz"], "error", timeout=60))
    for value in ["nanxnan", "0x0", "-1x-1", "99999x99999", "abc", "9" * 300 + "x9"]:
        add(Case("option", f"synth --size {value[:14]}", ["synth", SPEC, "--size", value, "-o", "{run}/c.mp4"],
                 "error", timeout=60))
    for value in ["-1", "a,b", "99999999999999999999", "1," * 10000 + "1"]:
        add(Case("option", f"synth --fault-reps {value[:14]}", ["synth", SPEC, "--fault", "arms_low",
                                                                "--fault-reps", value, "--landmarks-only",
                                                                "-o", "{run}/c.npz"], "any", timeout=60))
    add(Case("option", "synth --duration 1e6 (rendered)", ["synth", "idle", "--duration", "1e6",
                                                           "-o", "{run}/c.mp4"], "error", timeout=60))
    add(Case("option", "synth --fps 1e5 (rendered)", ["synth", SPEC, "--fps", "100000", "-o", "{run}/c.mp4"],
             "error", timeout=60))

    # 3. specs and routines
    for label, path in specs.items():
        nocaps = label == "unreadable"
        if nocaps and not can_nocaps:
            continue
        add(Case("spec", f"validate {label}", ["specs", "validate", str(path)], "error", timeout=60, nocaps=nocaps,
                 check=quick(20)))
    for label in ("rep.start .nan", "rep.start 1e309", "rep.peak .inf", "targets.reps 1e25", "alias bomb",
                  "30 MB file", "rep.start 5000 digits"):
        add(Case("spec", f"analyze -e {label}", ["analyze", str(p["npz"]), "-e", str(specs[label]), "--no-video",
                                                 "-o", "{run}/out"], "error", timeout=60))
    add(Case("spec", "specs show no_such", ["specs", "show", "no_such"], "error"))
    add(Case("spec", "specs show a bad file", ["specs", "show", str(specs["rep.start .nan"])], "error"))
    for label, path in routines.items():
        add(Case("routine", f"validate {label}", ["routines", "validate", str(path)], "error", check=quick(20)))
    add(Case("routine", "routines show no_such", ["routines", "show", "no_such"], "error"))

    # 4. landmark files
    for label, path in marks.items():
        expect = "any" if label in ("t decreasing", "image_wh 0x0", "version 999", "meta a list", "image nan",
                                    "image inf", "extra pickled member", "meta fps null",
                                    "300 MB junk member") else "error"
        add(Case("landmarks", f"analyze {label}", ["analyze", str(path), "-e", SPEC, "--no-progress",
                                                   "-o", "{run}/out", "--html"], expect, timeout=60,
                 check=fps_not_copied if label.startswith("meta fps") else strict_report))

    # 5. CSV formulas
    formula = base / "inputs" / "formula"
    formula.mkdir()
    for name in ("=1+1.mp4", "@SUM(1+1).mp4", '=HYPERLINK("evil.example","x").mp4'):
        shutil.copy(p["tiny"], formula / name)
    for label, target in (("folder path", str(formula)), ("'.' from inside", "."), ("'*.mp4' from inside", "*.mp4")):
        add(Case("csv", f"batch =1+1, @SUM, =HYPERLINK clips: {label}", ["batch", target, "-e", SPEC,
                                                                         "-o", "{run}/out", "--no-progress"], "ok",
                 timeout=240, check=no_formula_cells, alone=True, cwd=formula))
    add(Case("csv", "analyze --client =cmd --notes @x --html", ["analyze", str(p["npz"]), "-e", SPEC, "--html",
                                                                 "--client", "=cmd|' /C calc'!A0",
                                                                 "--notes", "@SUM(1)<script>", "-o", "{run}/out"],
             "ok", check=no_script))

    # 6. unwritable outputs
    ro = base / "inputs" / "readonly"
    ro.mkdir()
    ro.chmod(0o555)
    full = base / "inputs" / "full"
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # /dev/full's twin: renaming over it harms nothing
    except OSError:
        full = Path("/dev/full")  # as stdout only: never as an output path (a rename would replace the device)
    afile = base / "inputs" / "a_file"
    afile.write_text("x")
    npz_args = ["analyze", str(p["npz"]), "-e", SPEC, "--no-video"]
    if can_nocaps:
        add(Case("output", "analyze -o read-only folder", [*npz_args, "-o", str(ro / "out")], "error", nocaps=True))
        add(Case("output", "pose -o read-only folder", ["pose", str(p["tiny"]), "-o", str(ro / "x.npz")], "error",
                 nocaps=True, check=quick(30)))
        add(Case("output", "batch -o read-only folder", ["batch", str(p["tiny"]), "-e", SPEC, "-o", str(ro / "b")],
                 "error", nocaps=True, check=quick(30)))
        add(Case("output", "synth -o read-only folder", ["synth", SPEC, "--landmarks-only", "-o", str(ro / "c.npz")],
                 "error", nocaps=True))
        add(Case("output", "eval --cache read-only", ["eval", str(labels), "--cache", str(ro / "cache")], "error",
                 nocaps=True))
        add(Case("output", "read-only HOME, no FORMCHECK_MODEL", ["model", "path"], "error", nocaps=True,
                 env={"HOME": str(ro), "FORMCHECK_MODEL": "<unset>", "FORMCHECK_CACHE_DIR": "<unset>",
                      "XDG_CACHE_HOME": "<unset>"}))
        add(Case("output", "read-only HOME, FORMCHECK_MODEL set", [*npz_args, "-o", "{run}/out"], "ok", nocaps=True,
                 env={"HOME": str(ro), "FORMCHECK_CACHE_DIR": "<unset>", "XDG_CACHE_HOME": "<unset>"}))
    add(Case("output", "analyze -o a file", [*npz_args, "-o", str(afile)], "error"))
    add(Case("output", "analyze -o under a file", [*npz_args, "-o", str(afile / "out")], "error"))
    add(Case("output", "analyze -o /dev/full/x", [*npz_args, "-o", "/dev/full/x"], "error"))
    add(Case("output", "analyze -o /proc/x", [*npz_args, "-o", "/proc/formcheck_probe"], "error"))
    add(Case("output", "pose -o a folder", ["pose", str(p["tiny"]), "-o", str(base / "inputs")], "error",
             check=quick(30)))
    if full != Path("/dev/full"):
        add(Case("output", "pose -o a /dev/full device", ["pose", str(p["tiny"]), "-o", str(full)], "error",
                 check=still_device(full)))
        add(Case("output", "synth -o a /dev/full device", ["synth", SPEC, "--landmarks-only", "-o", str(full)],
                 "error", check=still_device(full)))
    add(Case("output", "synth -o a folder", ["synth", SPEC, "--landmarks-only", "-o", str(base / "inputs")],
             "error"))
    add(Case("output", "batch -o a file", ["batch", str(p["tiny"]), "-e", SPEC, "-o", str(afile)], "error"))
    add(Case("output", "eval --cache a file", ["eval", str(labels), "--cache", str(afile)], "error"))
    add(Case("output", "FORMCHECK_CACHE_DIR a file", ["model", "path"], "error",
             env={"FORMCHECK_CACHE_DIR": str(afile), "FORMCHECK_MODEL": "<unset>"}))
    add(Case("output", "FORMCHECK_MODEL missing", [*npz_args[:0], "pose", str(p["tiny"]), "-o", "{run}/x.npz"],
             "error", env={"FORMCHECK_MODEL": str(base / "missing.task")}))
    add(Case("output", "FORMCHECK_MODEL a text file", ["pose", str(p["tiny"]), "-o", "{run}/x.npz"], "error",
             env={"FORMCHECK_MODEL": str(afile)}))
    add(Case("output", "--model a folder", ["pose", str(p["tiny"]), "-o", "{run}/x.npz", "--model",
                                            str(base / "inputs")], "error"))
    for label, args in [("specs list", ["specs", "list"]), ("specs show", ["specs", "show", SPEC]),
                        ("specs schema", ["specs", "schema"]), ("routines list", ["routines", "list"]),
                        ("analyze --json", [*npz_args, "--json", "-o", "{run}/out"]),
                        ("pose --json", ["pose", str(p["tiny"]), "--json", "--no-progress"]),
                        ("synth --list", ["synth", "--list"]), ("--help", ["--help"])]:
        add(Case("output", f"{label} > /dev/full", args, "error", stdout=str(full), timeout=90))

    # 7. signals and kills (each alone, on the 11 s clip)
    long_args = ["analyze", str(p["full"]), "-e", SPEC, "-o", "{run}/out", "--no-progress"]
    many = base / "inputs" / "many"
    many.mkdir()
    for k in range(4):
        shutil.copy(p["full"], many / f"clip{k}.mp4")
    batch_args = ["batch", str(many), "-e", SPEC, "-j", "2", "-o", "{run}/out", "--no-progress"]
    for when in (1.0, 3.0):
        for sig, group in ((signal.SIGTERM, False), (signal.SIGINT, True), (signal.SIGHUP, False)):
            add(Case("signal", f"analyze {sig.name} at {when:.0f}s", long_args, timeout=60, alone=True,
                     kill=(when, sig, group), check=stopped))
    for sig, group in ((signal.SIGTERM, False), (signal.SIGINT, True)):
        add(Case("signal", f"batch -j 2 {sig.name} at 8s", batch_args, timeout=90, alone=True,
                 kill=(8.0, sig, group), check=stopped))
    for when in (4.0, 10.0):
        add(Case("signal", f"batch -j 2 kill -9 at {when:.0f}s", batch_args, timeout=90, alone=True,
                 kill=(when, signal.SIGKILL, False)))
    add(Case("signal", "pose SIGTERM at 4s", ["pose", str(p["full"]), "-o", "{run}/x.npz", "--no-progress"],
             timeout=60, alone=True, kill=(4.0, signal.SIGTERM, False), check=stopped))
    add(Case("signal", "synth (render) SIGTERM at 1.5s", ["synth", SPEC, "--reps", "40", "-o", "{run}/c.mp4"],
             timeout=60, alone=True, kill=(1.5, signal.SIGTERM, False), check=stopped))
    label_file = ROOT / "sample_videos" / "band_pull_apart_front_arms_low.json"
    add(Case("signal", "eval SIGINT at 2s", ["eval", str(label_file),
                                             "--cache", "{run}/cache"], timeout=60, alone=True,
             kill=(2.0, signal.SIGINT, True), check=stopped))

    # 8. Ray addresses
    for address in ("127.0.0.1:1", "127.0.0.1:6379", "ray://127.0.0.1:1", "not an address", "[::1]:1"):
        add(Case("ray", f"batch --ray {address}", ["batch", str(p["tiny"]), "-e", SPEC, "--ray", address,
                                                   "-o", "{run}/out", "--no-progress"], "error", timeout=60,
                 check=quick(15), alone=True))
    add(Case("ray", "batch --ray 127.0.0.1:6379 SIGTERM at 2s", ["batch", str(p["tiny"]), "-e", SPEC, "--ray",
                                                              "127.0.0.1:6379", "-o", "{run}/out"], timeout=30,
             alone=True, kill=(2.0, signal.SIGTERM, False)))
    return cases


def ended_early(run: Run) -> list[str]:
    notes = json.loads((run.folder / "work" / "out" / "report.json").read_text()).get("notes", [])
    return [] if any("ended early" in str(n) for n in notes) else [f"check(no 'ended early' note: {notes})"]


def still_device(path: Path) -> Callable[[Run], list[str]]:
    def check(run: Run) -> list[str]:
        return [] if stat.S_ISCHR(os.stat(path).st_mode) else [f"check({path} replaced by a file)"]
    return check


def strict_report(run: Run) -> list[str]:
    """report.json, when written, is strict JSON (no NaN or Infinity)."""
    report = run.folder / "work" / "out" / "report.json"
    if not report.exists():
        return []

    def refuse(name: str) -> None:
        raise ValueError(name)

    try:
        json.loads(report.read_text(), parse_constant=refuse)
    except ValueError as exc:
        return [f"check(report.json not strict JSON: {exc})"]
    return []


def fps_not_copied(run: Run) -> list[str]:
    report = run.folder / "work" / "out" / "report.json"
    if run.rc != 0 or not report.exists():
        return []
    text = report.read_text()
    bad = [w for w in ("-1", "NaN", "Infinity", "1e309", "1000000") if f'"fps": {w}' in text]
    return [f"check(report.json fps {bad})"] if bad else strict_report(run)


def no_script(run: Run) -> list[str]:
    html = (run.folder / "work" / "out" / "report.html").read_text()
    bad = []
    if "<script>" in html.replace("<script>", "", html.count("<script>")) or "@SUM(1)<script>" in html:
        bad.append("check(notes not escaped in report.html)")
    for name in ("reps.csv", "angles.csv"):
        for row in csv.reader(open(run.folder / "work" / "out" / name, newline="")):
            if any(c.startswith(("=", "@")) for c in row):
                bad.append(f"check(formula cell in {name})")
    return bad


# --------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="")
    parser.add_argument("--max-mb", type=float, default=1500)
    parser.add_argument("--as-gb", type=float, default=2.0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--list", action="store_true", help="only list the cases")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    base = Path(tempfile.mkdtemp(prefix="formcheck_probe_"))
    probe = Probe(base, args)
    print(f"# probe folder {base}; model {probe.model or 'none'}; python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}", flush=True)
    started = time.monotonic()
    results: list[Run] = []
    try:
        cases = [c for c in build_cases(base, probe.root_nocaps) if args.only in f"{c.category}/{c.name}"]
        if args.list:
            for c in cases:
                print(f"{c.category:10} {c.name}")
            print(f"{len(cases)} cases")
            return 0
        if not probe.root_nocaps:
            print("# permission cases skipped: they need root with setpriv (a normal user has no override)")

        def report(run: Run) -> None:
            outcome = "ok" if not run.failures else "FAIL " + ",".join(run.failures)
            if run.case.kill and not run.signalled and not run.failures:
                outcome = "ok (ended before the signal)"
            name = run.case.name.replace("\n", "\\n")
            print(f"{run.case.category:10} {name[:58]:58} {outcome:28} {run.seconds:6.1f}s {run.peak_mb:7.0f} MB"
                  f"  rc={run.rc}", flush=True)
            if run.failures:
                tail = [ln for ln in run.stderr.strip().splitlines() if ln.strip()][-4:]
                for line in tail:
                    print(f"    | {line[:160]}", flush=True)
            results.append(run)

        together = [c for c in cases if not c.alone and c.kill is None]
        alone = [c for c in cases if c not in together]
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for run in pool.map(probe.run, together):
                report(run)
        for case in alone:
            report(probe.run(case))
    finally:
        if args.keep:
            print(f"# kept {base}")
        else:
            probe.cleanup()
    kinds = Counter(k.split("(")[0] for r in results for k in r.failures)
    failed = sum(1 for r in results if r.failures)
    peak = max((r.peak_mb for r in results), default=0)
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
    print(f"\nSUMMARY: {len(results)} cases, {failed} failed ({summary}); peak RSS {peak:.0f} MB; "
          f"{time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
