"""Sinks: consumers of feedback that draw, write or store it.

The overlay on the image, the annotated video file, the report files
(``report.json``, CSVs), and the SQLite history. Sinks never change what the
tracker said. May import: records, pose, features, spec, tracker.
"""
