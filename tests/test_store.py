"""The store on a real DuckDB: create, read and update every entity, and refuse bad input whole."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from experiments.db import Database, scratch, translate
from experiments.errors import (
    ChangedMeanwhile,
    Conflict,
    ConstraintViolation,
    DatabaseError,
    DuplicateKey,
    FileUnreadable,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TrackerError,
    WriteConflict,
)
from experiments.import_models import ImportRecord
from experiments.importers.plan import prepare
from experiments.models import (
    Alias,
    Comparator,
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Goal,
    OpenCriticism,
    Optimization,
    Outcome,
    Phase,
    Role,
    ScopeKind,
    User,
    new_id,
)
from experiments.store import Area, Store
from tests import sql
from tests.conftest import FIXTURES
from tests.factories import make_campaign, make_cycle, make_learning, signed_in
from tests.factories import row_counts as counts
from tests.postgres import Cluster


@pytest.fixture
def db(any_db: Database) -> Database:
    """Every test here runs on a DuckDB file, in memory, and on DuckLake with PostgreSQL."""
    return any_db


def make_goal(store: Store, **fields: Any) -> Goal:
    values: dict[str, Any] = dict(
        id=new_id(), name="CTR at least 1.5 %", metric="ctr", comparator=Comparator.AT_LEAST,
        target=0.015, baseline=0.011, period_start=date(2026, 3, 1), period_end=date(2026, 6, 30),
    )  # fmt: skip
    values.update(fields)
    return store.add_goal(Goal(**values))


def test_campaign_create_read_update(store: Store) -> None:
    goal = make_goal(store)
    c = make_campaign(
        store, "Spring Sale", channels=("Meta", " Google Ads ", "Meta"), audience="Families",
        goal_ids=(goal.id,), success_measure="CPA under 25 €",
        aliases=(Alias("SPR26_Meta", "meta"), Alias("Spring Search")),
    )  # fmt: skip
    assert c.channels == ("Meta", "Google Ads")
    assert store.campaign(c.id) == c
    assert store.campaign_by_name("spring sale") == c
    assert c.missing_essentials() == ()
    edited = store.update_campaign(replace(c, name="Spring Sale 2026", budget=12000.0))
    assert store.campaign(c.id).name == "Spring Sale 2026"
    assert edited.budget == 12000.0
    assert [x.name for x in store.campaigns()] == ["Spring Sale 2026"]
    assert store.alias_map() == {
        "spr26_meta": "Spring Sale 2026",
        "spring search": "Spring Sale 2026",
    }
    actions = [r.action for r in store.audit_log("campaign")]
    assert sorted(actions) == ["aliases", "create", "update"]  # aliases: audited on their own


def test_incomplete_brief_names_what_is_missing(store: Store) -> None:
    c = make_campaign(store, "Quick launch")
    assert c.missing_essentials() == ("audience", "goal", "success_measure")


BAD_CAMPAIGNS = [
    ({"name": "  "}, InvalidInput, "the campaign name must not be empty"),
    ({"name": "taken"}, Conflict, "a campaign named 'taken' already exists; choose another name"),
    ({"name": "X", "budget": -5.0}, InvalidInput, "the budget must not be negative (got -5)"),
    ({"name": "X", "people_hours": -1.0}, InvalidInput, "the people-hours must not be negative (got -1)"),
    ({"name": "X", "goal_ids": (uuid.UUID(int=7),)}, NotFound,
     "no goal with id 00000000-0000-0000-0000-000000000007; pick one of the existing goals"),
    ({"name": "X", "aliases": (Alias("TAKEN_meta"),)}, Conflict,
     "the platform name 'TAKEN_meta' already belongs to campaign 'Taken'; remove it there first"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "error", "message"), BAD_CAMPAIGNS)
def test_bad_campaign_is_refused_whole(
    db: Database, store: Store, fields: dict[str, Any], error: type[TrackerError], message: str
) -> None:
    make_campaign(store, "Taken", aliases=(Alias("taken_meta"),))
    before = counts(db)
    fields = dict(fields)  # the table is shared by every database target
    name = fields.pop("name")
    with pytest.raises(error) as err:
        store.create_campaign(name, **fields)
    assert str(err.value) == message
    assert counts(db) == before


def test_unknown_campaign(store: Store) -> None:
    with pytest.raises(
        NotFound, match="^no campaign named 'Nope' \\(there are no campaigns yet\\)$"
    ):
        store.campaign_by_name("Nope")
    with pytest.raises(NotFound, match="^no campaign with id 'not-an-id'$"):
        store.campaign("not-an-id")


def test_cycle_create_read_update_and_phase(store: Store) -> None:
    c = make_campaign(store)
    cy = make_cycle(store, c, hypothesis="Short copy lifts CTR", budget=3000.0)
    assert store.cycle(cy.id) == cy
    assert store.cycle_by_number(c.id, 1) == cy
    assert "start" in cy.phase_changed_at
    edited = store.update_cycle(replace(cy, planned_changes="Two creatives", end=date(2026, 3, 21)))
    assert edited.planned_changes == "Two creatives" and edited.end == date(2026, 3, 21)
    moved = store.set_phase(cy.id, Phase.CAMPAIGN)
    assert moved.phase is Phase.CAMPAIGN and "campaign" in moved.phase_changed_at
    assert [x.number for x in store.cycles(c.id)] == [1]


BAD_CYCLES = [
    ({"start": date(2026, 3, 10), "end": date(2026, 3, 1)}, InvalidInput,
     "the window ends (2026-03-01) before it starts (2026-03-10); swap the dates or correct the end"),
    ({"budget": -1.0}, InvalidInput, "the cycle budget must not be negative (got -1)"),
    ({"number": 1}, Conflict, "this campaign already has a cycle 1"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "error", "message"), BAD_CYCLES)
def test_bad_cycle_is_refused_whole(
    db: Database, store: Store, fields: dict[str, Any], error: type[TrackerError], message: str
) -> None:
    c = make_campaign(store)
    make_cycle(store, c, number=1)
    before = counts(db)
    with pytest.raises(error) as err:
        make_cycle(store, c, **{"number": 2, **fields})
    assert str(err.value) == message
    assert counts(db) == before


def test_feedback_and_optimization(store: Store) -> None:
    cy = make_cycle(store, make_campaign(store))
    fb = store.add_feedback(cy.id, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM, "Price unclear")
    assert fb.status is FeedbackStatus.OPEN
    assert store.open_criticism() == [OpenCriticism(fb, cy.campaign_id, 1, Phase.START)]
    learning = make_learning(store, cy)
    opt = store.add_optimization(
        Optimization(new_id(), cy.id, "Show the price in the first line", why="criticism",
                     learning_ids=(learning.id,), feedback_ids=(fb.id,))
    )  # fmt: skip
    assert store.optimizations(cy.id) == [opt]
    addressed = store.feedback_item(fb.id)
    assert addressed.status is FeedbackStatus.ADDRESSED and addressed.optimization_id == opt.id
    done = store.set_feedback_status(fb.id, FeedbackStatus.COMMUNICATED)
    assert done.status is FeedbackStatus.COMMUNICATED
    assert store.open_criticism() == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "the feedback text must not be empty"), ("   ", "the feedback text must not be empty")],
)
def test_empty_feedback_is_refused(db: Database, store: Store, text: str, message: str) -> None:
    cy = make_cycle(store, make_campaign(store))
    before = counts(db)
    with pytest.raises(InvalidInput, match=f"^{message}$"):
        store.add_feedback(cy.id, FeedbackSource.DMS, FeedbackKind.QUESTION, text)
    assert counts(db) == before


def test_optimization_with_unknown_feedback_writes_nothing(db: Database, store: Store) -> None:
    cy = make_cycle(store, make_campaign(store))
    before = counts(db)
    with pytest.raises(
        NotFound, match="^no feedback with id 00000000-0000-0000-0000-000000000009$"
    ):
        store.add_optimization(
            Optimization(new_id(), cy.id, "Do it", feedback_ids=(uuid.UUID(int=9),))
        )
    assert counts(db) == before


def test_learning_create_read_update_decide(store: Store) -> None:
    cy = make_cycle(store, make_campaign(store))
    lrn = make_learning(store, cy, tags=("Copy", " copy ", "CTA"))
    assert lrn.tags == ("copy", "cta") and lrn.decision is Decision.PENDING
    decided = store.decide_learning(str(lrn.id)[:8], Decision.CARRY_FORWARD)
    assert decided.decision is Decision.CARRY_FORWARD and decided.decided_at is not None
    confirmed = store.update_learning(replace(decided, outcome=Outcome.CONFIRMED))
    assert store.learning(lrn.id).outcome is Outcome.CONFIRMED == confirmed.outcome
    assert store.learnings(cycle_id=cy.id) == [confirmed]


@pytest.mark.parametrize(
    ("ident", "error", "message"),
    [
        ("abc", NotFound, "no learning with id 'abc' (give at least 6 characters)"),
        ("ffffffff", NotFound, "no learning with id 'ffffffff'"),
        ("00000000-0000-0000-0000-00000000000x", NotFound,
         "no learning with id '00000000-0000-0000-0000-00000000000x'"),
    ],
)  # fmt: skip
def test_unknown_learning(
    store: Store, ident: str, error: type[TrackerError], message: str
) -> None:
    with pytest.raises(error) as err:
        store.learning(ident)
    assert str(err.value) == message


def test_goal_create_read_update(store: Store) -> None:
    g = make_goal(store)
    assert store.goal(g.id) == g
    edited = store.update_goal(replace(g, target=0.02, owner="Mia"))
    assert edited.target == 0.02 and store.goals() == [edited]


BAD_GOALS = [
    ({"name": ""}, "the goal name must not be empty"),
    ({"metric": "likes"}, "'likes' is not a metric this tool knows; use one of: "),
    ({"period_start": date(2026, 5, 1), "period_end": date(2026, 4, 1)},
     "the window ends (2026-04-01) before it starts (2026-05-01); swap the dates or correct the end"),
    ({"scope_kind": ScopeKind.CAMPAIGN, "scope_value": " "},
     "a goal scoped to one campaign must name it"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "message"), BAD_GOALS)
def test_bad_goal_is_refused_whole(
    db: Database, store: Store, fields: dict[str, Any], message: str
) -> None:
    before = counts(db)
    with pytest.raises(InvalidInput) as err:
        make_goal(store, **fields)
    assert str(err.value).startswith(message)
    assert counts(db) == before


def test_facts_are_stored_with_their_import(db: Database, store: Store) -> None:
    frame = pd.DataFrame(
        {"platform": ["meta"] * 2, "source_campaign": ["SPR26"] * 2, "variant": [None, "B"],
         "date": [date(2026, 3, 1), date(2026, 3, 2)], "spend": [10.5, None],
         "clicks": [3, 4]}
    )  # fmt: skip
    record = ImportRecord(
        new_id(), "meta.csv", hashlib.sha256(b"x").hexdigest(), "meta", "local",
        datetime(2026, 3, 3), 2, 2, 0, 0, 0, date(2026, 3, 1), date(2026, 3, 2), "imported",
    )  # fmt: skip
    stored = store.insert_facts(record, frame)
    assert stored == record and store.fact_count() == 2
    rows = sql.rows(db, "SELECT variant, spend, clicks, impressions FROM metric_fact ORDER BY date")
    # An empty cell stays missing: NULL, never 0.
    assert rows == [("", 10.5, 3.0, None), ("B", None, 4.0, None)]
    before = counts(db)
    with pytest.raises(Conflict, match="^these bytes were imported before \\(meta.csv\\)$"):
        store.insert_facts(replace(record, id=new_id()), frame)
    with pytest.raises(InvalidInput, match="^not canonical metrics: likes$"):
        store.insert_facts(replace(record, id=new_id(), sha256="y"), frame.assign(likes=1))
    assert counts(db) == before


def test_users(store: Store) -> None:
    u = store.add_user("mia", "Mia Berger", Role.MARKETER)
    assert store.user("mia") == u and store.users() == [u]
    with pytest.raises(Conflict, match="^a user 'mia' already exists$"):
        store.add_user("mia", "", Role.VIEWER)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.VIEWER, False), (Role.ANALYST, False), (Role.MARKETER, True), (Role.ADMIN, True)],
)
def test_every_write_checks_the_role(db: Database, store: Store, role: Role, allowed: bool) -> None:
    other = signed_in(db, "sam", role)
    if allowed:
        assert other.create_campaign("Allowed").name == "Allowed"
        assert store.audit_log("campaign")[0].actor == "sam"
        return
    before = counts(db)
    with pytest.raises(PermissionDenied) as err:
        other.create_campaign("Refused")
    assert str(err.value) == (
        f"sam ({role.value}) may not change campaign data; ask an admin for one of the roles: "
        "admin, marketer"
    )
    assert counts(db) == before


def test_viewer_cannot_import(db: Database) -> None:
    viewer = signed_in(db, "vic", Role.VIEWER)
    with pytest.raises(PermissionDenied, match="^vic \\(viewer\\) may not change import data"):
        viewer.insert_facts(
            ImportRecord(new_id(), "f", "s", "meta", "vic", datetime(2026, 1, 1), 0, 0, 0, 0, 0,
                         None, None, "imported"),
            pd.DataFrame({"platform": [], "source_campaign": [], "variant": [], "date": []}),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.VIEWER, False), (Role.ANALYST, True), (Role.MARKETER, True), (Role.ADMIN, True)],
)
def test_analysts_may_link_platform_names(
    db: Database, store: Store, role: Role, allowed: bool
) -> None:
    campaign = make_campaign(store, "Spring Sale", aliases=(Alias("SPR26_Meta", "meta"),))
    other = signed_in(db, "ana", role)
    before = counts(db)
    if not allowed:
        with pytest.raises(PermissionDenied, match="^ana \\(viewer\\) may not change alias data"):
            other.add_alias(campaign.id, Alias("Spring Search", "google_ads"))
        assert counts(db) == before
        return
    linked = other.add_alias(campaign.id, Alias(" Spring Search ", "google_ads"))
    assert Alias("Spring Search", "google_ads") in linked.aliases
    # Linking the same name again changes nothing.
    assert other.add_alias(campaign.id, Alias("spring search", "google_ads")) == linked
    entry = store.audit_log("campaign")[0]
    assert (entry.actor, entry.entity, entry.entity_id, entry.action) == (
        "ana",
        "campaign",
        str(campaign.id),
        "alias",
    )


def test_a_platform_name_belongs_to_one_campaign(db: Database, store: Store) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR26_Meta", "meta"),))
    autumn = make_campaign(store, "Autumn")
    before = counts(db)
    with pytest.raises(Conflict) as err:
        store.add_alias(autumn.id, Alias("spr26_meta", "meta"))
    assert str(err.value) == (
        "the platform name 'spr26_meta' already belongs to campaign 'Spring Sale'; remove it there first"
    )
    assert counts(db) == before


# ---------------------------------------------------------------- driver errors at the boundary


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[Database]:
    """A DuckDB file, for what only such a file does (its unique indexes)."""
    database = Database.open(tmp_path / "tracker.duckdb")
    yield database
    database.close()


@pytest.fixture
def lake_pg(
    postgres: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """A DuckLake catalog in PostgreSQL, for what only several servers on one catalog meet."""
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "lake-data"))
    database = Database.open(postgres.lake_target())
    yield database
    database.close()


def test_a_unique_key_another_writer_took_meanwhile_surfaces_as_a_conflict(duck: Database) -> None:
    db, store = duck, Store(duck)
    # The store's unit of work reads the users (its snapshot), then another writer commits the
    # same username: the store's own check cannot see it, the database's unique index refuses.
    before = counts(db)
    with pytest.raises(ConstraintViolation) as err, store.write(Area.USER):
        assert store.users() == []
        db.cursor().execute(
            "INSERT INTO app_user (username, display_name, role, created_at, active) "
            "VALUES ('sam', 'Sam', 'viewer', now(), true)"
        )
        store.add_user("sam", "Sam Analyst", Role.ANALYST)
    assert str(err.value) == (
        'the database refused the change (Constraint Error: Duplicate key "username: sam" '
        "violates unique constraint.); someone may have changed the same data meanwhile: "
        "reload and try again"
    )
    assert isinstance(err.value.__cause__, duckdb.ConstraintException)
    # Only the other writer's row is there: the store wrote neither the user nor its audit.
    assert counts(db) == {**before, "app_user": 1}
    assert store.users() == [User("sam", "Sam", Role.VIEWER)]


@pytest.mark.parametrize("taken", ["username", "campaign name", "import"])
def test_on_ducklake_a_name_another_server_took_meanwhile_is_refused_whole(
    lake_pg: Database, taken: str
) -> None:
    # Another app server on the same catalog (its own process, its own connection) commits the
    # same name while this store's unit of work runs: without unique indexes both would find the
    # name free, so both claim, DuckLake commits the first, and this one is refused whole.
    db, store = lake_pg, Store(lake_pg)
    other = Store(Database.open(db.target))
    data = (FIXTURES / "meta_en.csv").read_bytes()

    def take(s: Store) -> None:
        if taken == "username":
            s.add_user("sam", "Sam", Role.VIEWER)
        elif taken == "campaign name":
            make_campaign(s, "Spring Sale")
        else:
            with prepare(data, "meta_en.csv") as p:
                s.import_file(p.read_plan())

    try:
        with pytest.raises(ChangedMeanwhile) as err, store.write(Area.USER):
            store.users()  # this unit of work has begun and read: its snapshot is taken
            take(other)
            theirs = counts(db)  # a cursor of its own: what the other server committed
            take(store)
    finally:
        other._db.close()
    assert str(err.value).startswith("Someone else saved a change through another app server")
    # The other server's write is there once; this one's is in no table, its audit neither.
    assert counts(db) == theirs


def test_on_ducklake_writes_of_different_things_at_once_all_land(lake_pg: Database) -> None:
    # A learning through this server while another server records feedback on the same cycle:
    # both claim the open cycle, so DuckLake refuses the later commit; nothing of it was
    # written, and the page's write runs once more and lands. Both are kept, once each.
    from experiments import loop
    from experiments.lake import retried

    store = Store(lake_pg)
    cycle = make_cycle(store, make_campaign(store, "Spring Sale"))
    other = Store(Database.open(lake_pg.target))
    attempts = []

    def add_learning() -> None:
        attempts.append(1)
        with store.write(Area.LOOP):
            loop.add_learning(store, cycle.id, "Short copy wins")
            if len(attempts) == 1:  # the other server's write commits meanwhile
                loop.add_feedback(other, cycle.id, FeedbackSource.COMMENTS, FeedbackKind.PRAISE,
                                  "Love the new video")  # fmt: skip

    try:
        retried(add_learning)
    finally:
        other._db.close()
    assert len(attempts) == 2  # the first attempt was refused, the second landed
    assert [x.statement for x in store.learnings(cycle_id=cycle.id)] == ["Short copy wins"]
    assert [f.text for f in store.feedback(cycle.id)] == ["Love the new video"]


def test_a_refusal_with_its_own_reason_is_not_tried_again(lake_pg: Database) -> None:
    from experiments import loop
    from experiments.lake import retried

    store = Store(lake_pg)
    cycle = make_cycle(store, make_campaign(store, "Spring Sale"))
    attempts = []

    def advance_from_what_was_seen() -> None:
        attempts.append(1)
        loop.advance(store, cycle.id, Phase.FEEDBACK)  # the cycle is in start

    with pytest.raises(ChangedMeanwhile, match="was moved meanwhile"):
        retried(advance_from_what_was_seen)
    assert len(attempts) == 1


def _driver_error(statements: list[str]) -> duckdb.Error:
    con = duckdb.connect()
    try:
        for sql in statements:
            con.execute(sql)
    except duckdb.Error as e:
        return e
    finally:
        con.close()
    raise AssertionError("the statements raised no driver error")


@pytest.mark.parametrize(
    ("statements", "kind", "message"),
    [
        (["CREATE TABLE t (x INTEGER NOT NULL)", "INSERT INTO t VALUES (NULL)"],
         ConstraintViolation,
         "the database refused the change (Constraint Error: NOT NULL constraint failed: t.x); "
         "someone may have changed the same data meanwhile: reload and try again"),
        (["BEGIN", "BEGIN"], WriteConflict,
         "another change to the same data came first (TransactionContext Error: cannot start a "
         "transaction within a transaction); reload and try again"),
        (["SELECT CAST('abc' AS DOUBLE)"], DatabaseError,
         "the database refused the operation (Conversion Error: Could not convert string 'abc' "
         "to DOUBLE)"),
    ],
)  # fmt: skip
def test_driver_errors_become_named_domain_errors(
    statements: list[str], kind: type[TrackerError], message: str
) -> None:
    translated = translate(_driver_error(statements))
    assert type(translated) is kind
    assert str(translated) == message


def test_the_scratch_connection_answers_with_domain_errors() -> None:
    with pytest.raises(DatabaseError, match=r"^the database refused the operation \(Invalid "):
        with scratch() as con:
            con.execute("SELECT error('no such file')")


GOOGLE_ADS = b"Day,Campaign,Impr.,Cost\n2026-03-01,Spring,100,12.50\n2026-03-02,Spring,1x0,3.00\n"


def test_a_file_the_reader_refuses_writes_nothing(db: Database, store: Store) -> None:
    before = counts(db)
    with prepare(GOOGLE_ADS, "ads.csv") as p, pytest.raises(FileUnreadable) as err:
        store.import_file(p.read_plan())
    assert err.value.detail == "Conversion Error: Could not convert string '1x0' to DOUBLE"
    assert str(err.value).startswith("ads.csv: the file could not be read (Conversion Error")
    assert counts(db) == before


def test_two_rows_with_one_key_write_nothing(db: Database, store: Store) -> None:
    data = b"Day,Campaign,Impr.,Cost\n2026-03-01,Spring,100,12.50\n2026-03-01,Spring,90,3.00\n"
    before = counts(db)
    with prepare(data, "ads.csv") as p, pytest.raises(DuplicateKey) as err:
        store.import_file(p.read_plan())
    assert (err.value.campaign, err.value.variant, err.value.segment, err.value.day) == (
        "Spring",
        "",
        "",
        date(2026, 3, 1),
    )
    assert str(err.value) == (
        "two rows of the file are for campaign 'Spring' and day 2026-03-01; each campaign, "
        "variant, segment and day may appear once"
    )
    assert counts(db) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: replace(p, delimiter="|"),
         "meta_en.csv: the delimiter '|' is not one of ; , or tab"),
        (lambda p: replace(p, metrics=(("ctr", p.metrics[0][1]),)),
         "meta_en.csv: the metrics must be distinct base metrics, at least one (got ctr, "
         "conversions, leads, engagements, video_views)"),
        (lambda p: replace(p, metrics=p.metrics + p.metrics[:1]),
         "meta_en.csv: the metrics must be distinct base metrics, at least one (got "
         "spend, impressions, reach, clicks, spend, conversions, leads, engagements, "
         "video_views)"),
        (lambda p: replace(p, date=replace(p.date, date_format="%Y'); DROP TABLE import; --")),
         "meta_en.csv, the date: '%Y'); DROP TABLE import; --' is no date format the reader "
         "knows"),
        (lambda p: replace(p, campaign=replace(p.campaign, index=99)),
         "meta_en.csv, the campaign: column 99 is outside the file's 11 columns"),
        (lambda p: replace(p, date=p.campaign),
         "meta_en.csv: the date cannot be read as text"),
        (lambda p: replace(p, platform=" "), "meta_en.csv: the facts need a platform"),
    ],
)  # fmt: skip
def test_the_store_refuses_a_plan_it_cannot_read_safely(
    db: Database, store: Store, change: Any, message: str
) -> None:
    before = counts(db)
    with prepare((FIXTURES / "meta_en.csv").read_bytes(), "meta_en.csv") as p:
        plan = p.read_plan()
        assert store.import_file(plan, dry_run=True).rows > 0  # the plan as prepared is fine
        with pytest.raises(InvalidInput) as err:
            store.import_file(change(plan))
    assert str(err.value) == message
    assert counts(db) == before
