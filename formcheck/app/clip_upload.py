"""An uploaded clip kept on the server's disk, not in its memory (no streamlit here).

Streamlit holds each upload in memory for as long as its session lives. The
Review page therefore copies the upload, block by block, into a
:class:`~formcheck.app.scratch.ScratchFolder` once the trainer asks for an
analysis, and lets Streamlit's copy go: the clip is then read from disk, frame
by frame, by every analysis of it (another exercise reuses its landmarks), and
deleted when another clip replaces it, when the tab's session ends, or when the
server stops.

Example:
    >>> clip = save_upload(io.BytesIO(data), "set.mp4", len(data), limit_bytes=200 * 2**20)  # doctest: +SKIP
    >>> clip.path.read_bytes() == data  # doctest: +SKIP
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from formcheck.app.clip_tools import check_upload
from formcheck.app.scratch import ScratchFolder
from formcheck.records.atomic import describe_os_error
from formcheck.records.errors import OutputError

#: Bytes copied at a time: the copy never needs more memory than this.
BLOCK = 1 << 20


@dataclass(frozen=True)
class UploadedClip:
    """A clip on the server's disk: its name as the user knows it, the file, and the folder that owns it."""

    name: str
    path: Path
    size: int
    folder: ScratchFolder

    def delete(self) -> None:
        """Remove the clip's folder now (it also goes with the last reference to this clip)."""
        self.folder.cleanup()


def save_upload(stream: BinaryIO, name: str, size: int, *, limit_bytes: int) -> UploadedClip:
    """Check an upload, then copy it from ``stream`` to a new scratch folder in blocks of :data:`BLOCK` bytes.

    Args:
        stream: The upload, read from its start.
        name: The file's name as the user knows it.
        size: Its size in bytes.
        limit_bytes: The largest upload accepted.

    Raises:
        VideoSourceError: Empty, oversized or not a video (nothing is copied).
        OutputError: The copy cannot be written (a full disk): nothing is left of it.
    """
    head = stream.read(16)
    check_upload(name, size, head, limit_bytes)
    folder = ScratchFolder("formcheck-upload-")
    path = folder.path / ("upload" + Path(name).suffix.lower())
    try:
        with path.open("wb") as out:
            out.write(head)
            while block := stream.read(BLOCK):
                out.write(block)
    except OSError as exc:
        folder.cleanup()
        raise OutputError(f"{name}: cannot keep the upload on the server: {describe_os_error(exc)}") from exc
    return UploadedClip(name, path, size, folder)
