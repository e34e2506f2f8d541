"""RDS backups as data: AWS's limits (a small dated table), the rules a backup window must follow,
the restorable window of point-in-time recovery, and the recovery a team can make after an
incident (which backup, to what time, how much data lost, how long it takes).

moto stores backup settings, snapshots and restore requests but lets no time pass, replays no log
and enforces no limit (retention 40 and a 10-minute window are accepted): these functions are the
course's reference for what real RDS would allow and what a restore would give. Pure: plain
dicts, datetimes and strings in, answers out; nothing here imports boto3 or moto.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

AS_OF = "2026-11"
REGION = "us-east-1"
SOURCES = {
    "retention": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
                 "USER_WorkingWithAutomatedBackups.BackupRetention.html",
    "window": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ManagingAutomatedBackups.html",
    "pitr": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html",
    "copy": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html",
    "share": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
    "share-encrypted": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html",
    "aws-backup": "https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html",
}

#: Retention of automated backups, in days: 0 turns them off (and with them point-in-time recovery).
RETENTION_MIN, RETENTION_MAX = 0, 35
#: The shortest backup window AWS accepts, in minutes.
WINDOW_MIN_MINUTES = 30
#: How far behind "now" the latest restorable time usually is (transaction logs are shipped
#: every five minutes).
TYPICAL_LOG_LAG = timedelta(minutes=5)

#: What AWS documents, as of AS_OF, with the page each row comes from (a key of SOURCES).
LIMITS = [
    ("Automated backup retention", "0-35 days; 0 turns automated backups and PITR off", "retention"),
    ("Default retention", "1 day through the API/CLI, 7 days in the console", "retention"),
    ("Backup window", "hh24:mi-hh24:mi in UTC, at least 30 minutes, not overlapping the "
                      "maintenance window; default: 30 minutes picked at random in an 8-hour "
                      "block per Region", "window"),
    ("Latest restorable time", "typically within the last 5 minutes", "pitr"),
    ("Manual snapshots", "100 per Region (automated backups do not count); never expire", "retention"),
    ("Sharing a manual snapshot", "up to 20 other accounts, or public ('all') if unencrypted", "share"),
    ("Sharing an encrypted snapshot", "never public; not if encrypted with the default aws/rds "
                                      "key: copy it with a customer managed key first", "share-encrypted"),
    ("Cross-Region copy", "encrypted copy needs a KMS key of the destination Region; up to 20 "
                          "copy requests in progress per destination Region", "copy"),
    ("AWS Backup for RDS", "continuous backups: PITR up to 35 days; snapshot backups as often as "
                           "hourly, kept up to 100 years", "aws-backup"),
]

_WINDOW = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
_MAINTENANCE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)-"
                          r"(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY, _WEEK = 24 * 60, 7 * 24 * 60


def limits_table() -> list[dict]:
    """LIMITS as rows for a DataFrame: setting, limit, source URL."""
    return [{"setting": name, "limit (as of " + AS_OF + ")": text, "source": SOURCES[key]}
            for name, text, key in LIMITS]


def _clock(hours: str, minutes: str) -> int | None:
    h, m = int(hours), int(minutes)
    return h * 60 + m if h < 24 and m < 60 else None


def window_minutes(window: str) -> tuple[int, int] | None:
    """``"03:00-03:30"`` as (start, end) minutes after midnight UTC; an end at or before the start
    crosses midnight. None when the text is not a window."""
    match = _WINDOW.match(window) if isinstance(window, str) else None
    if not match:
        return None
    start, end = _clock(*match.group(1, 2)), _clock(*match.group(3, 4))
    return None if start is None or end is None else (start, end)


def _length(start: int, end: int, period: int) -> int:
    return (end - start) % period


def _maintenance_minutes(window: str) -> tuple[int, int] | None:
    """``"sun:05:00-sun:06:00"`` as (start, end) minutes after Monday 00:00 UTC."""
    match = _MAINTENANCE.match(window) if isinstance(window, str) else None
    if not match:
        return None
    start, end = _clock(*match.group(2, 3)), _clock(*match.group(5, 6))
    if start is None or end is None:
        return None
    return (_DAYS.index(match.group(1)) * _DAY + start, _DAYS.index(match.group(4)) * _DAY + end)


def _overlap(a: tuple[int, int], b: tuple[int, int], period: int) -> bool:
    """Do two intervals on a circle of ``period`` minutes share any minute?"""
    def inside(point, interval):
        return _length(interval[0], point, period) < _length(*interval, period)
    return inside(a[0], b) or inside(b[0], a)


def backup_window_problems(window, maintenance_window: str | None = None) -> list[str]:
    """Why AWS would refuse ``window`` as a PreferredBackupWindow (empty: it is fine)."""
    minutes = window_minutes(window)
    if minutes is None:
        return [f"{window!r} is not a window in the form hh24:mi-hh24:mi (UTC), e.g. '03:00-03:30'"]
    length = _length(*minutes, _DAY)
    if length < WINDOW_MIN_MINUTES:
        return [f"{window} lasts {length} minutes; a backup window lasts at least {WINDOW_MIN_MINUTES}"]
    if maintenance_window is not None:
        weekly = _maintenance_minutes(maintenance_window)
        if weekly is None:
            return [f"{maintenance_window!r} is not a maintenance window like 'sun:05:00-sun:06:00'"]
        daily = [(day * _DAY + minutes[0], day * _DAY + minutes[0] + length) for day in range(7)]
        if any(_overlap(d, weekly, _WEEK) for d in daily):
            return [f"{window} overlaps the maintenance window {maintenance_window}"]
    return []


def retention_problems(days, *, production: bool = True) -> list[str]:
    """Why ``days`` is not a valid BackupRetentionPeriod (for production, 0 is refused too:
    it turns automated backups and point-in-time recovery off)."""
    if isinstance(days, bool) or not isinstance(days, int):
        return [f"{days!r} is not a whole number of days"]
    low = 1 if production else RETENTION_MIN
    if not low <= days <= RETENTION_MAX:
        return [f"{days} days is outside {low}-{RETENTION_MAX}"]
    return []


def restore_window(latest_restorable: datetime | None, retention_days: int,
                   created: datetime) -> tuple[datetime, datetime] | None:
    """The times a point-in-time restore may target: from ``retention_days`` before the latest
    restorable time (never before the instance existed) to the latest restorable time. None when
    automated backups are off. (AWS reports the real bounds in RestoreWindow of
    describe_db_instance_automated_backups; the retention period is what sets them.)"""
    if not retention_days or latest_restorable is None:
        return None
    return max(created, latest_restorable - timedelta(days=retention_days)), latest_restorable


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 2)


def best_restore(backups: dict, incident: datetime, rto_minutes: float,
                 lost_region: str | None = None) -> dict | None:
    """The recovery that loses the least data after an incident at ``incident`` (restore to just
    before it) and is back within ``rto_minutes``; None when no backup allows one.

    ``backups`` describes what exists::

        {"region": "us-east-1",                # where the instance and its automated backups live
         "retention_days": 7,                  # 0: automated backups off
         "created": datetime,                  # when the instance was created
         "latest_restorable": datetime,        # LatestRestorableTime
         "restore_minutes": {"pitr": 50, "snapshot": 30},   # measured in the last drill
         "snapshots": [{"id": "pre-migration", "region": "us-east-1", "created": datetime}, ...]}

    Candidates: point-in-time recovery when backups are on, its Region is not ``lost_region`` and
    ``incident`` is not before the restorable window starts (restoring to ``min(incident,
    latest_restorable)``); and every snapshot created at or before ``incident`` outside
    ``lost_region`` (restoring to its creation time). Each is kept if its restore time is at most
    ``rto_minutes``. The answer is the one with the least data loss (``incident`` minus the time
    restored to); on a tie PITR first, then the snapshot id in alphabetical order::

        {"source": "pitr" or a snapshot id, "restore_to": datetime,
         "data_loss_minutes": float (2 decimals), "restore_minutes": float}
    """
    candidates = []
    window = None
    if backups["region"] != lost_region:
        window = restore_window(backups.get("latest_restorable"), backups.get("retention_days", 0),
                                backups["created"])
    if window is not None and incident >= window[0]:
        candidates.append((0, "pitr", min(incident, window[1]), backups["restore_minutes"]["pitr"]))
    for snapshot in backups.get("snapshots", []):
        if snapshot["region"] != lost_region and snapshot["created"] <= incident:
            candidates.append((1, snapshot["id"], snapshot["created"],
                               backups["restore_minutes"]["snapshot"]))
    fitting = [c for c in candidates if c[3] <= rto_minutes]
    if not fitting:
        return None
    _, source, restore_to, minutes = min(fitting, key=lambda c: (incident - c[2], c[0], c[1]))
    return {"source": source, "restore_to": restore_to,
            "data_loss_minutes": _minutes(incident - restore_to), "restore_minutes": minutes}
