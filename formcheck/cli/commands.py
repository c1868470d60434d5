"""CLI subcommands: one module each, with ``add_parser(subparsers)`` and ``run(args) -> int``.

``add_parser`` registers the subcommand and sets ``func=run`` on its parser.
Keep heavy imports (mediapipe, cv2, streamlit) inside ``run`` so ``--help`` is fast.
"""

#: Modules under ``formcheck.commands``, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "model",
    "pose",
    "app",
    "users",
    "analyze",
    "batch",
    "live",
    "eval",
    "specs",
    "targets",
    "routines",
    "synth",
)
