"""``formcheck analyze VIDEO --exercise NAME [--out DIR] [--json] [--html]``: count, time and cue a clip.

Writes ``report.json``, ``reps.csv``, ``angles.csv`` and ``annotated.mp4`` into
``--out`` (default ``./<clip name>_formcheck``), and with ``--html`` the client
report ``report.html``; prints a summary, or only the report JSON with ``--json``. Exit code 0
whenever the clip was analysed, even when it holds 0 reps.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("analyze", help="count reps, time holds and find form faults in a video",
                       description="Analyse a video (or a landmarks .npz from `formcheck pose`) for one exercise.")
    p.add_argument("video", help="video file, or a landmarks file (.npz)")
    p.add_argument("-e", "--exercise", required=True,
                   help="exercise spec id (see `formcheck specs`), spec file, or 'any' (count whatever is repeated)")
    p.add_argument("-o", "--out", help="folder for the report files (default: ./<clip name>_formcheck)")
    p.add_argument("--json", action="store_true", help="print only the report JSON to stdout")
    p.add_argument("--no-video", action="store_true", help="skip annotated.mp4 (faster)")
    p.add_argument("--html", action="store_true",
                   help="also write report.html: a self-contained report for the client (prints to PDF)")
    p.add_argument("--client", default="",
                   help="client's name, printed on report.html; their personal targets are used if there are "
                        "some (`formcheck targets learn`)")
    p.add_argument("--db", help="history database whose targets/ folder holds personal targets "
                                "(default: FORMCHECK_DB or the user data dir)")
    p.add_argument("--notes", default="", help="trainer's notes, printed on report.html")
    p.add_argument("--model", help="pose model .task file")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from formcheck.pipeline.analysis import (
        LANDMARKS_SUFFIX,
        analyze_video,
        resolve_spec,
    )
    from formcheck.records.atomic import output_folder
    from formcheck.records.errors import VideoSourceError
    from formcheck.records.input_files import check_readable_file
    from formcheck.sinks.report import (
        ANNOTATED_NAME,
        format_summary,
        report_dict,
        write_outputs,
    )

    spec = resolve_spec(args.exercise)  # unknown exercise: fail before anything else
    personal: tuple[str, ...] = ()
    if args.client:
        from formcheck.store.personal_targets import personal_spec, personal_words, targets_folder

        mine = personal_spec(args.client, str(args.exercise), targets_folder(args.db))
        if mine is not None:
            spec, personal = mine.spec, personal_words(mine.spec, mine.base)
            print(f"{args.client}'s personal targets ({mine.path}): " + "; ".join(personal), file=sys.stderr)
    # Missing, a folder or unreadable: one line before an output folder is made.
    video = check_readable_file(args.video, "video", VideoSourceError)
    is_landmarks = video.suffix.lower() == LANDMARKS_SUFFIX
    # A missing --out folder (and its parents) is created; a failed run removes it again.
    with output_folder(args.out if args.out else Path(f"{video.stem}_formcheck")) as out:
        annotated = None if (args.no_video or is_landmarks) else out / ANNOTATED_NAME
        bar = tqdm(unit="frame", desc=video.name, disable=True if args.no_progress else None, file=sys.stderr,
                   leave=False)  # None: only on a terminal

        def progress(done: int, total: int | None) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            result = analyze_video(video, spec, model_path=args.model, progress=progress,
                                   annotated_path=annotated)
        finally:
            bar.close()
        paths = write_outputs(result, out)
    if annotated is not None and annotated.is_file():
        paths["annotated"] = annotated
    if args.html:
        from formcheck.sinks.html_report import ReportMeta, write_client_report

        meta = ReportMeta(clip=video.name, client=args.client, notes=args.notes, personal=personal)
        paths["html"] = write_client_report(result, out, video=None if is_landmarks else video, meta=meta)
    # Files first, stdout second: a closed or full stdout cannot cost a file.
    if args.json:
        print(json.dumps(report_dict(result), indent=2, allow_nan=False))
        return 0
    print(format_summary(result.summary, video.name, result.spec))
    print("  wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
