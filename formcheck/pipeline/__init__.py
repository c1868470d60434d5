"""Pipeline: drivers that wire the stages together for one job.

Analyse a clip (``analysis``), run live from a camera (``live``), score
labelled clips (``evaluate`` with ``metrics``). May import every stage below
(records, pose, features, spec, tracker, sinks, synth); never the CLI or app.
"""
