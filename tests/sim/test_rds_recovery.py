"""Tests for grader/sim/rds_recovery.py: AWS's backup-window and retention rules, the restorable
window, and the reference recovery chooser, from tables."""

from datetime import UTC, datetime, timedelta

import pytest

from grader.sim.rds_recovery import (
    AS_OF,
    LIMITS,
    SOURCES,
    backup_window_problems,
    best_restore,
    limits_table,
    restore_window,
    retention_problems,
    window_minutes,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_limits_are_dated_and_every_row_names_its_aws_page():
    assert AS_OF == "2026-11"
    assert {key for _, _, key in LIMITS} <= set(SOURCES)
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in SOURCES.values())
    rows = limits_table()
    assert len(rows) == len(LIMITS) and set(rows[0]) == {"setting", "limit (as of 2026-11)", "source"}


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        pytest.param("03:00-03:30", (180, 210), id="plain"),
        pytest.param("23:45-00:15", (1425, 15), id="crosses-midnight"),
        pytest.param("24:00-01:00", None, id="hour-24"),
        pytest.param("3:00-3:30", None, id="one-digit-hour"),
        pytest.param(None, None, id="not-a-string"),
    ],
)
def test_window_minutes_parses_hh24_mi_windows(window, expected):
    assert window_minutes(window) == expected


@pytest.mark.parametrize(
    ("window", "maintenance", "problem"),
    [
        pytest.param("03:00-03:30", None, None, id="thirty-minutes-ok"),
        pytest.param("23:45-00:15", "tue:06:00-tue:06:30", None, id="midnight-ok"),
        pytest.param("03:00-03:29", None, "lasts 29 minutes", id="too-short"),
        pytest.param("3am-4am", None, "not a window", id="bad-format"),
        pytest.param("05:30-06:00", "sun:05:00-sun:06:00", "overlaps", id="overlap-same-day"),
        pytest.param("23:50-00:20", "mon:00:10-mon:00:40", "overlaps", id="overlap-after-midnight"),
        pytest.param("04:00-05:00", "fri:04:59-fri:05:29", "overlaps", id="overlap-by-one-minute"),
        pytest.param("04:00-05:00", "fri:05:00-fri:05:30", None, id="touching-is-fine"),
        pytest.param("12:00-13:00", "sat:23:30-sun:00:30", None, id="maintenance-crosses-days"),
        pytest.param("23:00-23:59", "sat:23:30-sun:00:30", "overlaps", id="maintenance-crosses-days-overlap"),
        pytest.param("00:00-00:30", "sun:23:50-mon:00:10", "overlaps", id="maintenance-wraps-the-week"),
        pytest.param("03:00-03:30", "sunday", "not a maintenance window", id="bad-maintenance"),
    ],
)
def test_backup_window_problems_follow_aws_rules(window, maintenance, problem):
    found = backup_window_problems(window, maintenance)
    assert (found == []) if problem is None else (len(found) == 1 and problem in found[0])


@pytest.mark.parametrize(
    ("days", "production", "ok"),
    [
        pytest.param(1, True, True, id="one"),
        pytest.param(35, True, True, id="thirty-five"),
        pytest.param(0, True, False, id="zero-not-for-production"),
        pytest.param(0, False, True, id="zero-allowed"),
        pytest.param(36, False, False, id="thirty-six"),
        pytest.param(-1, False, False, id="negative"),
        pytest.param(7.0, True, False, id="float"),
        pytest.param(True, True, False, id="bool"),
    ],
)
def test_retention_problems(days, production, ok):
    assert (retention_problems(days, production=production) == []) is ok


def test_restore_window_is_retention_days_back_but_never_before_creation():
    latest = NOW - timedelta(minutes=5)
    assert restore_window(latest, 7, NOW - timedelta(days=30)) == (latest - timedelta(days=7), latest)
    assert restore_window(latest, 7, NOW - timedelta(days=2)) == (NOW - timedelta(days=2), latest)
    assert restore_window(latest, 0, NOW - timedelta(days=30)) is None


def backups(retention=7, snapshots=(), pitr=45, snapshot=30):
    return {
        "region": "us-east-1",
        "retention_days": retention,
        "created": NOW - timedelta(days=90),
        "latest_restorable": NOW - timedelta(minutes=4),
        "restore_minutes": {"pitr": pitr, "snapshot": snapshot},
        "snapshots": [{"id": i, "region": r, "created": NOW - timedelta(hours=h)} for i, r, h in snapshots],
    }


@pytest.mark.parametrize(
    ("kwargs", "incident", "rto", "lost", "source", "loss"),
    [
        pytest.param({}, NOW - timedelta(hours=1), 60, None, "pitr", 0.0, id="pitr-to-the-second"),
        pytest.param({}, NOW, 60, None, "pitr", 4.0, id="after-latest-restorable-loses-the-lag"),
        pytest.param(
            {"snapshots": [("pre", "us-east-1", 2)]}, NOW, 30, None, "pre", 120.0, id="rto-excludes-pitr"
        ),
        pytest.param(
            {"snapshots": [("pre", "us-east-1", 0)]}, NOW, 60, None, "pre", 0.0, id="snapshot-beats-pitr-lag"
        ),
        pytest.param(
            {"snapshots": [("b", "us-east-1", 1), ("a", "us-east-1", 1)]},
            NOW - timedelta(hours=1),
            60,
            None,
            "pitr",
            0.0,
            id="tie-pitr-first",
        ),
        pytest.param(
            {"retention": 0, "snapshots": [("b", "us-east-1", 1), ("a", "us-east-1", 1)]},
            NOW,
            60,
            None,
            "a",
            60.0,
            id="tie-smallest-id",
        ),
        pytest.param(
            {"snapshots": [("copy", "us-west-2", 13), ("pre", "us-east-1", 2)]},
            NOW,
            60,
            "us-east-1",
            "copy",
            780.0,
            id="region-lost",
        ),
        pytest.param(
            {"snapshots": [("later", "us-east-1", 1)]},
            NOW - timedelta(days=8),
            60,
            None,
            None,
            None,
            id="before-window-and-before-snapshots",
        ),
        pytest.param({"retention": 0}, NOW, 600, None, None, None, id="nothing"),
    ],
)
def test_best_restore_picks_least_data_loss_within_rto(kwargs, incident, rto, lost, source, loss):
    answer = best_restore(backups(**kwargs), incident, rto, lost)
    if source is None:
        assert answer is None
    else:
        assert (answer["source"], answer["data_loss_minutes"]) == (source, loss)
        assert answer["restore_to"] == incident - timedelta(minutes=loss)
