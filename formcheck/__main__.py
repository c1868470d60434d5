"""``python -m formcheck``: the CLI (:func:`formcheck.cli.main`).

Ctrl+C while the CLI's own modules are still importing is "interrupted" and exit
130, as it is later, not a traceback.
"""

import sys

try:
    from formcheck.cli import main

    code = main()
except KeyboardInterrupt:
    print("formcheck: interrupted", file=sys.stderr)
    code = 130
sys.exit(code)
