"""Layer 1-2: per-user filtering in the store layer, on a real history file with two clients and a trainer.

Each query of :class:`ScopedHistoryStore` is made with the signed-in person's
scope: client A never reads, exports, changes or deletes client B's rows, even
when asking for B's session ids directly; the trainer reaches both.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from formcheck.records.errors import StoreError
from formcheck.records.routine_summary import RoutineSet, RoutineSummary
from formcheck.store.accounts import AccountStore, accounts_path
from formcheck.store.audit_log import AuditLog
from formcheck.store.history import HistoryStore
from formcheck.store.routine_store import RoutineHistory
from formcheck.store.scoped_store import ScopedHistoryStore, UserScope
from tests.test_store import make_summary

ALICE, BOB, TRAINER = UserScope("alice", False), UserScope("bob", False), UserScope("tina", True)


def _routine(set_ids: list[int]) -> RoutineSummary:
    sets = tuple(RoutineSet(exercise="plank", title="Plank", label=f"set {i + 1}", target="3 reps", reps=3,
                            hold_s=0.0, score=90, target_met=True, session_id=sid) for i, sid in enumerate(set_ids))
    return RoutineSummary(routine="lower_back", title="Lower back", status="completed", duration_s=60.0,
                          sets=sets, sets_planned=len(sets))


@pytest.fixture()
def history(tmp_path: Path) -> dict[str, Any]:
    """alice: a live set and a reviewed clip (named "Alice " by the trainer); bob: a live set in a routine."""
    path = tmp_path / "history.sqlite3"
    audit = AuditLog(AccountStore(accounts_path(path)))
    trainer = ScopedHistoryStore(path, TRAINER, audit)
    ids = {"alice_live": ScopedHistoryStore(path, ALICE).save_set(make_summary("plank"), "webcam", "live"),
           "alice_review": trainer.save_set(make_summary("glute_bridge"), "a.mp4", "review", client="Alice ",
                                            trainer_notes="hips higher"),
           "bob_live": ScopedHistoryStore(path, BOB).save_set(make_summary("plank", reps=5), "webcam", "live",
                                                              client="alice")}  # a client cannot name another
    ids["bob_routine"] = ScopedHistoryStore(path, BOB).routines().save(_routine([ids["bob_live"],
                                                                                 ids["alice_live"]]))
    return {"path": path, "ids": ids, "audit": audit}


def _store(history: dict[str, Any], scope: UserScope) -> ScopedHistoryStore:
    return ScopedHistoryStore(history["path"], scope, history["audit"])


def test_a_client_lists_only_their_own_sessions_the_trainer_all(history: dict[str, Any]) -> None:
    ids = history["ids"]
    assert {s.id for s in _store(history, ALICE).list_sessions()} == {ids["alice_live"], ids["alice_review"]}
    assert {s.id for s in _store(history, BOB).list_sessions()} == {ids["bob_live"]}
    assert {s.id for s in _store(history, TRAINER).list_sessions()} == {ids["alice_live"], ids["alice_review"],
                                                                          ids["bob_live"]}
    assert [s.id for s in _store(history, ALICE).list_sessions("plank")] == [ids["alice_live"]]
    assert HistoryStore(history["path"]).get(ids["bob_live"]).client == "bob"  # saved under the signed-in client


def test_another_clients_session_reads_as_missing_by_id(history: dict[str, Any]) -> None:
    alice, bob_id = _store(history, ALICE), history["ids"]["bob_live"]
    for action in (lambda: alice.get(bob_id), lambda: alice.delete(bob_id),
                   lambda: alice.set_client_notes(bob_id, "alice", "mine now")):
        with pytest.raises(StoreError) as caught:
            action()
        assert str(caught.value) == f"no session with id {bob_id}"  # as for an id nobody has; no path
    assert HistoryStore(history["path"]).get(bob_id).client == "bob"
    assert _store(history, TRAINER).get(bob_id).reps == 5


def test_progress_and_csv_export_hold_only_the_clients_rows(history: dict[str, Any]) -> None:
    ids = history["ids"]
    assert [p["id"] for p in _store(history, BOB).progress("plank")] == [ids["bob_live"]]
    assert [p["reps"] for p in _store(history, TRAINER).progress("plank")] == [3, 5]
    buf = io.StringIO()
    assert _store(history, ALICE).export_csv(buf) == 2
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert {r["client"].strip().lower() for r in rows} == {"alice"} and "bob" not in buf.getvalue()


def test_routines_follow_their_sets(history: dict[str, Any]) -> None:
    rid = history["ids"]["bob_routine"]
    assert [r.id for r in _store(history, BOB).routines().list()] == [rid]
    assert _store(history, ALICE).routines().list() == []
    with pytest.raises(StoreError, match=f"^no routine session with id {rid}$"):
        _store(history, ALICE).routines().get(rid)
    with pytest.raises(StoreError):
        _store(history, ALICE).routines().delete(rid)
    assert [r.id for r in _store(history, TRAINER).routines().list()] == [rid]
    # bob's routine could not link alice's set, so her set stays out of it.
    assert HistoryStore(history["path"]).get(history["ids"]["alice_live"]).routine_session_id is None
    assert RoutineHistory(HistoryStore(history["path"])).get(rid).id == rid


def test_a_client_may_not_give_a_session_away_a_trainer_may_reassign(history: dict[str, Any]) -> None:
    ids = history["ids"]
    with pytest.raises(StoreError, match="under your own name"):
        _store(history, ALICE).set_client_notes(ids["alice_live"], "bob", "")
    _store(history, TRAINER).set_client_notes(ids["alice_review"], "bob", "for bob after all")
    assert ids["alice_review"] in {s.id for s in _store(history, BOB).list_sessions()}


def test_deletions_and_exports_are_audited_with_who_and_what(history: dict[str, Any]) -> None:
    ids = history["ids"]
    _store(history, ALICE).delete(ids["alice_live"])
    _store(history, TRAINER).export_csv(io.StringIO(), exercise="plank")
    entries = history["audit"].recent()
    assert [(e.actor, e.action) for e in entries] == [("tina", "export"), ("alice", "delete")]
    assert entries[0].what == "1 sessions as CSV (plank)"
    assert entries[1].what.startswith(f"session {ids['alice_live']} (Plank, live, client alice, ")
    assert [s.id for s in _store(history, ALICE).list_sessions()] == [ids["alice_review"]]


def test_errors_of_a_scoped_store_name_no_path_on_the_server(history: dict[str, Any], tmp_path: Path) -> None:
    alice = _store(history, ALICE)
    history["path"].write_bytes(b"not a database any more " * 200)  # damaged under a running app
    for action in (alice.list_sessions, lambda: ScopedHistoryStore(history["path"], ALICE)):
        with pytest.raises(StoreError) as caught:
            action()
        assert str(caught.value).startswith("history database (") and str(tmp_path) not in str(caught.value)


def test_a_download_is_audited_when_it_is_made_and_only_when_someone_is_signed_in(history: dict[str, Any]) -> None:
    from formcheck.app.history_access import audited
    from formcheck.app.settings import AppSettings

    signed_in = AppSettings(db_path=history["path"], access="accounts", scope=TRAINER)
    data = audited(signed_in, "reps CSV of a.mp4 (client alice)", lambda: "rep,score\n")
    assert history["audit"].recent() == []  # showing the button is no export
    assert data() == "rep,score\n"
    entries = history["audit"].recent()
    assert [(e.actor, e.action, e.what) for e in entries] == [("tina", "export", "reps CSV of a.mp4 (client alice)")]

    def make() -> str:
        return "rep,score\n"

    assert audited(AppSettings(db_path=history["path"]), "reps CSV", make) is make  # this computer: as before
    assert len(history["audit"].recent()) == 1


def test_the_clients_and_their_trends_hold_only_the_scope(history: dict[str, Any]) -> None:
    from formcheck.store.client_history import ClientHistory

    assert sorted(n.lower() for n in ClientHistory(HistoryStore(history["path"])).names()) == ["alice", "bob"]
    alice, trainer = _store(history, ALICE).clients(), _store(history, TRAINER).clients()
    assert [n.lower() for n in alice.names()] == ["alice"] and len(trainer.names()) == 2
    assert {p.session_id for p in alice.trend("alice")} == {history["ids"]["alice_live"], history["ids"]["alice_review"]}
    assert alice.trend("bob") == [] and alice.trend(" BOB ", "plank") == []  # another client reads as none
    assert [p.session_id for p in trainer.trend("bob")] == [history["ids"]["bob_live"]]


def test_check_ins_are_read_and_given_only_for_the_scopes_sets(history: dict[str, Any]) -> None:
    ids = history["ids"]
    _store(history, ALICE).checkins().save(ids["alice_live"], 2, "right")
    _store(history, BOB).checkins().save(ids["bob_live"], 7, "hard")
    with pytest.raises(StoreError) as caught:  # answering for another client's set reads as no such set
        _store(history, ALICE).checkins().save(ids["bob_live"], 0, "easy")
    assert str(caught.value) == f"no session with id {ids['bob_live']}"
    alice = _store(history, ALICE).checkins()
    assert [(c.session_id, c.pain) for c in alice.per_set()] == [(ids["alice_live"], 2)]
    assert alice.per_set(session_ids=[ids["bob_live"]]) == []  # a crafted id list does not widen the scope
    assert {c.pain for c in _store(history, TRAINER).checkins().per_set()} == {2, 7}
