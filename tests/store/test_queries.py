"""List and count queries of the read model, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session

from daftar.activities.records import write_snapshot
from daftar.domain.stages import Stage
from daftar.store.db import SessionFactory, transaction
from daftar.store.queries import ApplicationFilter, list_applications, stage_counts
from tests.store.rows import T0, app_row

S = Stage


@pytest.fixture
def seeded(sessions: SessionFactory) -> Iterator[Session]:
    """Six applications of cycle 1404 and one of 1403, with distinct times."""
    specs = [  # id, stage, province, city, quota, updated (days), entered (days)
        ("q-a", S.awaiting_interview, "Tehran", "Tehran", "free", 1, 5),
        ("q-b", S.awaiting_interview, "Tehran", "Rey", "veteran", 2, 3),
        ("q-c", S.awaiting_security, "Fars", "Shiraz", "free", 3, 1),
        ("q-d", S.awaiting_interview, "Fars", "Shiraz", "free", 4, 4),
        ("q-e", S.awaiting_qualification, "Tehran", "Tehran", "free", 5, 2),
        ("q-f", S.rejected, "Gilan", "Rasht", "free", 6, 6),
        ("q-old", S.awaiting_interview, "Tehran", "Tehran", "free", 7, 0),
    ]
    with transaction(sessions) as session:
        for aid, stage, province, city, quota, updated, entered in specs:
            write_snapshot(session, app_row(
                aid, cycle=1403 if aid == "q-old" else 1404, stage=stage,
                province=province, city=city, quota=quota,
                updated_at=T0 + timedelta(days=updated),
                stage_entered_at=T0 + timedelta(days=entered)))
    with sessions() as s:
        yield s


def ids(session: Session, flt: ApplicationFilter, page: int = 1, size: int = 50,
        oldest_first: bool = False) -> tuple[list[str], int]:
    items, total = list_applications(session, flt, page=page, size=size,
                                     oldest_first=oldest_first)
    return [r.application_id for r in items], total


def test_filter_by_cycle(seeded: Session) -> None:
    got, total = ids(seeded, ApplicationFilter(cycle=1403))
    assert (got, total) == (["q-old"], 1)
    got, total = ids(seeded, ApplicationFilter(cycle=1404))
    assert total == 6 and "q-old" not in got


@pytest.mark.parametrize(("flt", "expected"), [
    (ApplicationFilter(cycle=1404, stages=["awaiting_interview"]), {"q-a", "q-b", "q-d"}),
    (ApplicationFilter(cycle=1404, stages=["awaiting_security", "rejected"]), {"q-c", "q-f"}),
    (ApplicationFilter(cycle=1404, province="Fars"), {"q-c", "q-d"}),
    (ApplicationFilter(cycle=1404, city="Tehran"), {"q-a", "q-e"}),
    (ApplicationFilter(quota="veteran"), {"q-b"}),
    (ApplicationFilter(tracking_code="Tq-e"), {"q-e"}),
    (ApplicationFilter(cycle=1404, province="Tehran", stages=["awaiting_interview"]),
     {"q-a", "q-b"}),
    (ApplicationFilter(cycle=1404, province="Kerman"), set()),
])
def test_filters(seeded: Session, flt: ApplicationFilter, expected: set[str]) -> None:
    got, total = ids(seeded, flt)
    assert set(got) == expected
    assert total == len(expected)


@pytest.mark.parametrize("given", ["23", "۲۳", "تهران", "Tehran", "استان تهران"])
def test_a_province_filter_finds_its_code_and_its_names(sessions: SessionFactory,
                                                        given: str) -> None:
    """Records hold the province's code; those stored before codes, its name as typed."""
    with transaction(sessions) as session:
        for aid, province in (("p-code", "23"), ("p-fa", "تهران"), ("p-en", "Tehran"),
                              ("p-fars", "07"), ("p-free", "Atlantis")):
            write_snapshot(session, app_row(aid, cycle=1402, province=province))
    with sessions() as s:
        got, total = ids(s, ApplicationFilter(cycle=1402, province=given))
        assert (set(got), total) == ({"p-code", "p-fa", "p-en"}, 3)
        got, _ = ids(s, ApplicationFilter(cycle=1402, province="Atlantis"))
        assert got == ["p-free"]


def test_total_counts_all_while_size_limits(seeded: Session) -> None:
    got, total = ids(seeded, ApplicationFilter(cycle=1404), size=2)
    assert total == 6
    assert got == ["q-f", "q-e"]


def test_second_page(seeded: Session) -> None:
    flt = ApplicationFilter(cycle=1404)
    assert ids(seeded, flt, page=2, size=4) == (["q-b", "q-a"], 6)
    assert ids(seeded, flt, page=2, size=2) == (["q-d", "q-c"], 6)
    assert ids(seeded, flt, page=4, size=2) == ([], 6)


def test_default_order_is_updated_at_descending(seeded: Session) -> None:
    got, _ = ids(seeded, ApplicationFilter(cycle=1404))
    assert got == ["q-f", "q-e", "q-d", "q-c", "q-b", "q-a"]


def test_oldest_first_orders_by_stage_entered_at(seeded: Session) -> None:
    got, _ = ids(seeded, ApplicationFilter(cycle=1404), oldest_first=True)
    assert got == ["q-c", "q-e", "q-b", "q-d", "q-a", "q-f"]
    got, _ = ids(seeded, ApplicationFilter(cycle=1404, stages=["awaiting_interview"]),
                 oldest_first=True, size=2)
    assert got == ["q-b", "q-d"]


def test_stage_counts_of_one_cycle(seeded: Session) -> None:
    assert stage_counts(seeded, 1404) == {
        "awaiting_interview": 3, "awaiting_security": 1,
        "awaiting_qualification": 1, "rejected": 1,
    }
    assert stage_counts(seeded, 1403) == {"awaiting_interview": 1}
    assert stage_counts(seeded, 1399) == {}


def test_overdue_is_past_the_sla_or_escalated_at_a_waiting_stage(
        sessions: SessionFactory) -> None:
    from daftar.store.queries import count_overdue, list_overdue

    now = T0 + timedelta(days=30)
    rows = {
        "od-late-2": dict(stage=Stage.awaiting_interview, due_at=now - timedelta(days=2)),
        "od-late-1": dict(stage=Stage.awaiting_security, due_at=now - timedelta(days=1)),
        "od-escal": dict(stage=Stage.awaiting_qualification, due_at=now + timedelta(days=3),
                         escalated=True),
        "od-intime": dict(stage=Stage.awaiting_interview, due_at=now + timedelta(days=1)),
        "od-closed": dict(stage=Stage.rejected, due_at=now - timedelta(days=5)),
        "od-other": dict(stage=Stage.awaiting_interview, due_at=now - timedelta(days=9),
                         cycle=1405),
    }
    with transaction(sessions) as session:
        for app_id, fields in rows.items():
            write_snapshot(session, app_row(app_id, **fields))
    with sessions() as session:
        assert count_overdue(session, 1404, now) == 3
        first, total = list_overdue(session, 1404, now, page=1, size=2)
        assert total == 3
        assert [r.application_id for r in first] == ["od-late-2", "od-late-1"]
        second, _ = list_overdue(session, 1404, now, page=2, size=2)
        assert [r.application_id for r in second] == ["od-escal"]


def test_counts_from_the_counters_equal_the_rows(seeded: Session) -> None:
    """A total by cycle, stage and province is summed from `stage_counts`: the rows' count."""
    from sqlalchemy import func
    from sqlmodel import select

    from daftar.store.models import ApplicationRecord
    from daftar.store.queries import count_applications, counted_by_stage, filter_conditions

    for flt in (ApplicationFilter(), ApplicationFilter(cycle=1404),
                ApplicationFilter(cycle=1404, stages=["awaiting_interview", "rejected"]),
                ApplicationFilter(cycle=1404, province="Tehran"),
                ApplicationFilter(province="Tehran", stages=["awaiting_interview"]),
                ApplicationFilter(cycle=1399)):
        assert counted_by_stage(flt)
        rows = seeded.exec(select(func.count()).select_from(ApplicationRecord)
                           .where(*filter_conditions(flt))).one()
        assert count_applications(seeded, flt) == rows


def test_deep_pages_read_the_same_rows_as_one_sorted_query(seeded: Session) -> None:
    """Each page (its keys found first) is the slice of the whole list in order."""
    for oldest_first in (False, True):
        whole, _ = ids(seeded, ApplicationFilter(cycle=1404), oldest_first=oldest_first)
        paged = [i for page in range(1, 5) for i in ids(
            seeded, ApplicationFilter(cycle=1404), page=page, size=2,
            oldest_first=oldest_first)[0]]
        assert paged == whole


def test_the_overdue_list_reads_its_order_from_its_index(sessions: SessionFactory) -> None:
    """The page's keys come from `ix_applications_overdue` in order, not from a sort."""
    from typing import Any

    from sqlalchemy import event

    from daftar.store.queries import list_overdue

    now = T0 + timedelta(days=30)
    with transaction(sessions) as session:
        for n in range(30):
            write_snapshot(session, app_row(
                f"ix-{n:02d}", stage=(Stage.awaiting_interview, Stage.licensed)[n % 2],
                due_at=now - timedelta(hours=n + 1)))
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        if "page_keys" in statement:
            seen.append((statement, params))

    with sessions() as session:
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", record)
        try:
            rows, total = list_overdue(session, 1404, now, page=2, size=5)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert total == 15
        assert [r.application_id for r in rows] == [f"ix-{n:02d}" for n in (18, 16, 14, 12, 10)]
        (statement, params), = seen
        conn = session.connection()
        if engine.dialect.name == "postgresql":  # a plan as it would be at scale
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("SET LOCAL enable_sort = off")
            conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, params))
            inner = plan.split("Limit")[1]
            assert "ix_applications_overdue" in inner and "Sort" not in inner, plan
        else:
            plan = "\n".join(r[3] for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, params))
            keys = plan.split("SCAN page_keys")[0]
            assert "INDEX ix_applications_overdue" in keys and "TEMP B-TREE" not in keys, plan
