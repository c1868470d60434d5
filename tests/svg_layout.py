"""Helpers of the chart tests: where an SVG's texts sit, estimated without the code under test.

A text's width is estimated at 0.6 em per character (a usual sans-serif average);
its box follows ``text-anchor``. The page's visible words come from an HTML
parser that skips ``<style>`` and tooltip ``<title>`` elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

SVG_NS = "{http://www.w3.org/2000/svg}"
EM = 0.6


@dataclass(frozen=True)
class TextBox:
    text: str
    left: float
    right: float
    y: float
    size: float
    cls: str


def svgs_in(html: str) -> list[str]:
    """Every ``<svg>…</svg>`` of a page, as text."""
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def view_box(svg: str) -> tuple[float, float, float, float]:
    root = ET.fromstring(svg)
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    return x, y, w, h


def text_boxes(svg: str) -> list[TextBox]:
    """Each ``<text>``'s horizontal extent (estimated), baseline and size; rotated text is refused."""
    root = ET.fromstring(svg)
    default = float(root.attrib.get("font-size", 16))
    boxes = []
    for el in root.iter(f"{SVG_NS}text"):
        assert "transform" not in el.attrib, "rotated text: its extent cannot be checked this way"
        text = el.text or ""
        size = float(el.attrib.get("font-size", default))
        x = float(el.attrib.get("x", 0))
        width = len(text) * size * EM
        anchor = el.attrib.get("text-anchor", "start")
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        boxes.append(TextBox(text, left, left + width, float(el.attrib.get("y", 0)), size, el.attrib.get("class", "")))
    return boxes


def outside_view_box(svg: str) -> list[TextBox]:
    """Texts whose estimated box is not wholly inside the viewBox."""
    x0, y0, w, h = view_box(svg)
    return [b for b in text_boxes(svg)
            if b.left < x0 or b.right > x0 + w or b.y - b.size < y0 or b.y > y0 + h]


def overlapping(boxes: list[TextBox]) -> list[tuple[str, str]]:
    """Pairs of texts on one baseline whose boxes overlap."""
    pairs = []
    ordered = sorted(boxes, key=lambda b: (round(b.y, 1), b.left))
    for a, b in zip(ordered, ordered[1:]):
        if round(a.y, 1) == round(b.y, 1) and b.left < a.right:
            pairs.append((a.text, b.text))
    return pairs


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.words.append(data.strip())


def visible_words(html: str) -> str:
    """The page's text as a reader sees it (no CSS, no tooltips), one line per text node."""
    parser = _Words()
    parser.feed(html)
    return "\n".join(parser.words)
