"""``manifest.json`` of a batch output folder: which clip reports are current, so a rerun skips them.

A clip's report is current when the clip is the same file (sha256; its size and
modification time are checked first, so an unchanged library is not hashed
again), analysed by the same formcheck version, with the same spec contents
(all specs for ``--exercise auto``), frame step and report kinds, and its
report files are still there. The manifest is rewritten (atomically) after
every clip, so an interrupted batch resumes where it stopped.

Example:
    >>> manifest = Manifest.load(Path("out"))  # doctest: +SKIP
    >>> manifest.current(job, settings_key)  # doctest: +SKIP
    None
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from formcheck.pipeline.batch_job import AUTO, ClipJob
from formcheck.records.atomic import atomic_write_text
from formcheck.records.version import __version__
from formcheck.sinks.batch_index import BatchRow

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def spec_hash(exercise: str) -> str:
    """sha256 of the spec contents a batch depends on: one spec, or every spec for ``auto``.

    Example:
        >>> spec_hash("plank") == spec_hash("plank") != spec_hash("auto")
        True
    """
    from formcheck.pipeline.analysis import resolve_spec
    from formcheck.spec import list_specs

    names = list_specs() if exercise == AUTO else [exercise]
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(resolve_spec(name).model_dump_json().encode())  # "any": the spec-free counter's stand-in
    return digest.hexdigest()


def settings_key(exercise: str, frame_step: int | None, html: bool) -> dict[str, Any]:
    """Everything besides the clip itself that a report depends on."""
    return {"formcheck_version": __version__, "exercise": exercise, "spec_sha256": spec_hash(exercise),
            "frame_step": frame_step if frame_step is not None else AUTO, "html": html}


class Manifest:
    """The manifest of one output folder (see the module docstring)."""

    def __init__(self, out_dir: Path, clips: dict[str, dict[str, Any]] | None = None) -> None:
        self.out_dir = out_dir
        self.clips: dict[str, dict[str, Any]] = clips or {}
        self._seen: dict[str, dict[str, Any]] = {}  # identities worked out in this run (hash once)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The folder's manifest; an absent, damaged or other-version one counts as empty."""
        path = out_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(out_dir)
        if not isinstance(data, dict) or data.get("manifest_version") != MANIFEST_VERSION \
                or not isinstance(data.get("clips"), dict):
            return cls(out_dir)
        return cls(out_dir, data["clips"])

    @staticmethod
    def _sha256(path: Path) -> str:
        from formcheck.pose.cache import file_sha256

        return file_sha256(path)

    def identity(self, job: ClipJob) -> dict[str, Any]:
        """Size, modification time and sha256 of the job's clip (sha256 reused when size and time match)."""
        path = Path(job.path)
        stat = path.stat()
        found = {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        for old in (self._seen.get(job.out_name, {}), self.clips.get(job.out_name, {}).get("file", {})):
            if old.get("sha256") and all(old.get(k) == v for k, v in found.items()):
                return {**found, "sha256": old["sha256"]}
        identity = self._seen[job.out_name] = {**found, "sha256": self._sha256(path)}
        return identity

    def current(self, job: ClipJob, key: dict[str, Any]) -> BatchRow | None:
        """The stored row when the job's report is current (see the module docstring), else None."""
        entry = self.clips.get(job.out_name)
        if not entry or entry.get("key") != key or entry.get("row", {}).get("status") != "ok":
            return None
        try:
            identity = self.identity(job)
        except OSError:
            return None
        if identity["sha256"] != entry.get("file", {}).get("sha256"):
            return None
        folder = self.out_dir / job.out_name
        if not all((folder / name).is_file() for name in entry.get("files", [])):
            return None
        return BatchRow(**{**entry["row"], "seconds": 0.0})

    def record(self, job: ClipJob, key: dict[str, Any], row: BatchRow, files: list[str]) -> None:
        """Remember a finished clip and rewrite the manifest file atomically."""
        try:
            identity = self.identity(job)
        except OSError:
            identity = {"path": job.path}
        self.clips[job.out_name] = {"file": identity, "key": key, "row": asdict(row), "files": sorted(files)}
        atomic_write_text(self.out_dir / MANIFEST_NAME,
                          json.dumps({"manifest_version": MANIFEST_VERSION, "clips": self.clips}, indent=1) + "\n")
