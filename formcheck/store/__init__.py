"""Store: what formcheck keeps between runs, in one SQLite file per history.

``history`` the sets (reps, cues, scores) and their sessions, ``routine_store`` a
routine's sets together, ``checkin_store`` the pain and difficulty after an
exercise, ``client_history`` a client's trend, ``history_csv`` the export,
``personal_targets`` a client's own spec files beside the database; the
accounts beside them (``accounts``, ``sign_ins``, ``login_throttle``,
``audit_log``) and ``scoped_store``, the history as one signed-in user may see
it. ``sqlite_file`` opens, upgrades and guards the file. The store keeps what
the tracker said; it never draws. May import: records, pose, features, spec, tracker.
"""
