"""Model-vs-generator accuracy on every sample clip (the table in the synth notes).

Runs the real pose model (VIDEO mode) on each ``sample_videos/*.mp4`` and
compares its landmarks with the generator's ``.npz``; see
:mod:`formcheck.synth.validate` for the columns.

    python benchmarks/synth_accuracy.py [FOLDER] [--tolerance 0.25]
"""

from __future__ import annotations

import sys

from formcheck.synth.validate import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
