"""Inbox filters saved by a team, on SQLite and on PostgreSQL."""

from __future__ import annotations

from daftar.store.db import SessionFactory
from daftar.store.filters import delete_filter, list_filters, save_filter


def test_a_team_shares_its_filters_and_no_one_elses(sessions: SessionFactory) -> None:
    with sessions() as s:
        save_filter(s, "interviewer", "Tehran", {"province": "Tehran"}, by="alice")
        save_filter(s, "interviewer", "Isfahan, 1405", {"province": "Isfahan", "cycle": "1405"},
                    by="bob")
        save_filter(s, "security_officer", "Tehran", {"province": "Tehran", "city": "Rey"},
                    by="sam")
    with sessions() as s:
        mine = list_filters(s, "interviewer")
        assert [(f.name, f.params, f.created_by) for f in mine] == [
            ("Isfahan, 1405", {"province": "Isfahan", "cycle": "1405"}, "bob"),
            ("Tehran", {"province": "Tehran"}, "alice")]
        assert [f.params for f in list_filters(s, "security_officer")] == [
            {"province": "Tehran", "city": "Rey"}]


def test_saving_a_name_again_replaces_it(sessions: SessionFactory) -> None:
    with sessions() as s:
        first = save_filter(s, "interviewer", "mine", {"province": "Tehran"}, by="alice")
        again = save_filter(s, "interviewer", "mine", {"province": "Fars"}, by="bob")
        assert again.id == first.id
    with sessions() as s:
        (only,) = list_filters(s, "interviewer")
        assert (only.params, only.created_by) == ({"province": "Fars"}, "bob")


def test_a_team_deletes_only_its_own_filters(sessions: SessionFactory) -> None:
    with sessions() as s:
        theirs = save_filter(s, "security_officer", "x", {"province": "Tehran"}, by="sam")
        ours = save_filter(s, "interviewer", "y", {"province": "Tehran"}, by="alice")
        assert theirs.id is not None and ours.id is not None
        assert delete_filter(s, "interviewer", theirs.id) is False
        assert delete_filter(s, "interviewer", ours.id) is True
        assert delete_filter(s, "interviewer", ours.id) is False
    with sessions() as s:
        assert list_filters(s, "interviewer") == []
        assert [f.name for f in list_filters(s, "security_officer")] == ["x"]
