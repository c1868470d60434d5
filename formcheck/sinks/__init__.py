"""Sinks: consumers of feedback that draw or write it for people.

The overlay on the image, the annotated video file, the report files
(``report.json``, CSVs, the client's HTML report), charts and speech. Sinks
never change what the tracker said; what is kept between runs is
:mod:`formcheck.store`'s. May import: records, pose, features, spec, tracker, store.
"""
