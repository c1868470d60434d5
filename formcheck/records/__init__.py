"""Records: the typed data every stage passes on, the error tree, and safe file writing.

The bottom layer: it imports nothing from formcheck outside this package.
``PoseFrame`` (one frame of landmarks), ``Landmark`` (the 33 indices),
``Feedback``/``Cue``/``RepRecord``/``SetSummary`` (what the tracker says),
``AnalysisResult`` (a clip analysed), ``ClipLabel`` (ground truth), the errors
(``FormcheckError`` and its children) and ``atomic`` (temp file, then rename).
"""
