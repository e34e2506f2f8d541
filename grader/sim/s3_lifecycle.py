"""Reference S3 storage classes and lifecycle: which class fits an access pattern, whether AWS
would accept a lifecycle rule, which class an object is in on a given day, and what a year of
it costs.

moto stores a lifecycle configuration exactly as sent and never validates or applies it (a
transition to Standard-IA after 10 days, a bogus class and ``Status: "Maybe"`` are all
accepted; no object ever changes class). This module answers what AWS would do. It is pure:
rules are in the shape of ``get_bucket_lifecycle_configuration(...)["Rules"]``; no boto3, no
moto, no pandas (the notebook turns the rows into DataFrames).

Facts and prices as of 2026 (``AS_OF``), us-east-1, first 50 TB tier, from the Amazon S3 User
Guide ("Understanding and managing Amazon S3 storage classes", "Transitioning objects using
Amazon S3 Lifecycle", "Understanding archive retrieval options") and the Amazon S3 pricing page
(``SOURCES``). The cost model is deliberately simple and stated in :func:`monthly_cost`.
"""

from __future__ import annotations

from dataclasses import dataclass

AS_OF = "2026-11"
SOURCES = {
    "classes": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html",
    "transitions": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                   "lifecycle-transition-general-considerations.html",
    "retrieval": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                 "restoring-objects-retrieval-options.html",
    "pricing": "https://aws.amazon.com/s3/pricing/",
}


@dataclass(frozen=True)
class StorageClass:
    """One storage class: its API name and what AWS documents about it."""

    name: str
    label: str
    zones: str                  # Availability Zones the data lives in
    availability: str           # designed-for availability
    min_days: int               # minimum storage duration billed
    min_kb: int                 # minimum billable object size (0: none)
    first_byte: str             # first-byte latency or retrieval time
    price: float                # $ per GB-month
    transition_fee: float       # $ per 1,000 lifecycle transition requests into the class
    retrieval_fee: str          # $ per GB retrieved


ELEVEN_NINES = "99.999999999%"
CLASSES = {c.name: c for c in (
    StorageClass("STANDARD", "S3 Standard", ">= 3", "99.99%", 0, 0, "milliseconds",
                 0.023, 0.0, "none"),
    StorageClass("INTELLIGENT_TIERING", "S3 Intelligent-Tiering", ">= 3", "99.9%", 0, 0,
                 "milliseconds (opt-in archive tiers: hours)", 0.023, 0.01, "none"),
    StorageClass("STANDARD_IA", "S3 Standard-IA", ">= 3", "99.9%", 30, 128, "milliseconds",
                 0.0125, 0.01, "0.01"),
    StorageClass("ONEZONE_IA", "S3 One Zone-IA", "1", "99.5%", 30, 128, "milliseconds",
                 0.01, 0.01, "0.01"),
    StorageClass("GLACIER_IR", "S3 Glacier Instant Retrieval", ">= 3", "99.9%", 90, 128,
                 "milliseconds", 0.004, 0.02, "0.03"),
    StorageClass("GLACIER", "S3 Glacier Flexible Retrieval", ">= 3", "99.99%", 90, 0,
                 "restore: 1-5 min, 3-5 h or 5-12 h", 0.0036, 0.03, "0.03 / 0.01 / free"),
    StorageClass("DEEP_ARCHIVE", "S3 Glacier Deep Archive", ">= 3", "99.99%", 180, 0,
                 "restore: within 12 h or 48 h", 0.00099, 0.05, "0.02 / 0.0025"),
    StorageClass("EXPRESS_ONEZONE", "S3 Express One Zone", "1", "99.95%", 0, 0,
                 "single-digit milliseconds", 0.11, 0.0, "per request"),
)}
#: Classes a lifecycle rule may transition to (boto3's ``TransitionStorageClass``).
TRANSITION_TARGETS = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
                      "GLACIER", "DEEP_ARCHIVE")
#: The lifecycle "waterfall": from each class, the classes a transition may go to.
NEXT = {
    "STANDARD": set(TRANSITION_TARGETS),
    "STANDARD_IA": {"INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"},
    "INTELLIGENT_TIERING": {"ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"},
    "ONEZONE_IA": {"GLACIER", "DEEP_ARCHIVE"},
    "GLACIER_IR": {"GLACIER", "DEEP_ARCHIVE"},
    "GLACIER": {"DEEP_ARCHIVE"},
    "DEEP_ARCHIVE": set(),
}
#: Transitions into these need objects at least 30 days old, and the next transition out of
#: them must come at least 30 days later.
THIRTY_DAY_CLASSES = ("STANDARD_IA", "ONEZONE_IA")
#: Restore tiers, typical completion time in hours, per archive class.
RESTORE_HOURS = {
    "GLACIER": {"Expedited": (1 / 60, 5 / 60), "Standard": (3, 5), "Bulk": (5, 12)},
    "DEEP_ARCHIVE": {"Standard": (0, 12), "Bulk": (0, 48)},
}
ARCHIVE_CLASSES = tuple(RESTORE_HOURS)
MONTH_DAYS = 30


def class_rows() -> list[dict]:
    """The class table as rows, for ``pd.DataFrame``."""
    return [{"class": c.name, "name": c.label, "durability": ELEVEN_NINES, "AZs": c.zones,
             "availability": c.availability, "min days": c.min_days or None,
             "min object KB": c.min_kb or None, "first byte": c.first_byte,
             "$/GB-month": c.price, "$/GB retrieved": c.retrieval_fee} for c in CLASSES.values()]


def restore_tier(storage_class: str, tier: str) -> str:
    """The tier a restore of a ``storage_class`` object should ask for when ``tier`` is wanted:
    Deep Archive has no Expedited tier, so Standard is the fastest it offers."""
    return tier if tier in RESTORE_HOURS[storage_class] else "Standard"


# -- which class fits an access pattern ---------------------------------------------------------

def class_for(access: dict) -> str:
    """The course's rule of thumb for a new object (see the notebook's decision diagram).

    ``access``: ``size`` in bytes, ``reads_per_year``, ``max_wait_hours`` (how long a reader can
    wait for the first byte; 0 means at once), ``recreatable`` (a lost copy can be rebuilt) and
    ``predictable`` (whether the access pattern is known)."""
    if access["size"] < 128 * 1024:
        return "STANDARD"              # the IA classes bill 128 KB; lifecycle will not move it
    if not access["predictable"]:
        return "INTELLIGENT_TIERING"
    if access["reads_per_year"] >= 12:
        return "STANDARD"
    if access["max_wait_hours"] == 0:
        if access["reads_per_year"] >= 4:
            return "ONEZONE_IA" if access["recreatable"] else "STANDARD_IA"
        return "GLACIER_IR"
    return "GLACIER" if access["max_wait_hours"] < 12 else "DEEP_ARCHIVE"


# -- lifecycle rules: what AWS accepts ---------------------------------------------------------

def validate(rules: list[dict]) -> list[str]:
    """Why AWS would reject this lifecycle configuration (``put_bucket_lifecycle_configuration``
    answers ``InvalidArgument`` or ``MalformedXML``); empty when it would accept it. Checks the
    rules a learner meets: status, filter, transition classes and days, the 30-day minimums, the
    waterfall order, expiration after the last transition, and the abort-upload action."""
    problems: list[str] = []
    ids = [rule.get("ID") for rule in rules if rule.get("ID")]
    if not rules:
        problems.append("a lifecycle configuration needs at least one rule")
    if len(ids) != len(set(ids)):
        problems.append("rule IDs must be unique")
    for index, rule in enumerate(rules):
        name = f"rule {rule.get('ID') or index}"
        problems += [f"{name}: {p}" for p in _rule_problems(rule)]
    return problems


def _rule_problems(rule: dict) -> list[str]:
    problems = []
    if rule.get("Status") not in ("Enabled", "Disabled"):
        problems.append(f"Status must be 'Enabled' or 'Disabled', not {rule.get('Status')!r}")
    if "Filter" not in rule and "Prefix" not in rule:
        problems.append("a rule needs a Filter (an empty Filter {} means every object)")
    for key in ("Transitions", "NoncurrentVersionTransitions"):
        days_key = "Days" if key == "Transitions" else "NoncurrentDays"
        problems += _transition_problems(rule.get(key, []), days_key)
    last = max((t.get("Days", 0) for t in rule.get("Transitions", [])), default=None)
    expiration = rule.get("Expiration", {})
    if "Days" in expiration:
        if expiration["Days"] < 1:
            problems.append("Expiration Days must be a positive integer")
        elif last is not None and expiration["Days"] <= last:
            problems.append(f"Expiration Days ({expiration['Days']}) must be greater than the "
                            f"last transition's Days ({last})")
        if expiration.get("ExpiredObjectDeleteMarker"):
            problems.append("ExpiredObjectDeleteMarker cannot be combined with Days")
    abort = rule.get("AbortIncompleteMultipartUpload")
    if abort is not None:
        if abort.get("DaysAfterInitiation", 0) < 1:
            problems.append("AbortIncompleteMultipartUpload DaysAfterInitiation must be >= 1")
        if _has_tag_filter(rule):
            problems.append("AbortIncompleteMultipartUpload cannot be used with a tag filter")
    actions = ("Transitions", "NoncurrentVersionTransitions", "Expiration",
               "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload")
    if not any(rule.get(action) for action in actions):
        problems.append("a rule needs at least one action")
    return problems


def _transition_problems(transitions: list[dict], days_key: str) -> list[str]:
    problems, seen = [], set()
    for t in transitions:
        target, days = t.get("StorageClass"), t.get(days_key)
        if target not in TRANSITION_TARGETS:
            problems.append(f"{target!r} is not a class a lifecycle rule can transition to")
        if target in seen:
            problems.append(f"two transitions to {target}")
        seen.add(target)
        if days is None or days < 0:
            problems.append(f"the transition to {target} needs {days_key} >= 0")
        elif target in THIRTY_DAY_CLASSES and days < 30:
            problems.append(f"{days_key} for {target} must be at least 30, not {days}")
    ordered = sorted((t for t in transitions if t.get(days_key) is not None
                      and t.get("StorageClass") in TRANSITION_TARGETS), key=lambda t: t[days_key])
    previous, since = "STANDARD", 0
    for t in ordered:
        target, days = t["StorageClass"], t[days_key]
        if target not in NEXT[previous]:
            problems.append(f"cannot transition from {previous} to {target} (day {days})")
        elif previous in THIRTY_DAY_CLASSES and days - since < 30:
            problems.append(f"the transition to {target} on day {days} must come at least 30 days "
                            f"after the one to {previous} (day {since})")
        previous, since = target, days
    return problems


def _has_tag_filter(rule: dict) -> bool:
    filter_ = rule.get("Filter", {})
    return "Tag" in filter_ or bool(filter_.get("And", {}).get("Tags"))


# -- lifecycle rules: what they do -------------------------------------------------------------

def applies_to(rule: dict, key: str, size: int = 1024 * 1024, tags: dict | None = None) -> bool:
    """Whether an enabled ``rule`` selects the current version of object ``key``."""
    if rule.get("Status") != "Enabled":
        return False
    filter_ = rule.get("Filter", {"Prefix": rule.get("Prefix", "")})
    conditions = filter_.get("And", filter_)
    tags = tags or {}
    wanted_tags = list(conditions.get("Tags", [])) + ([conditions["Tag"]] if "Tag" in conditions else [])
    return (key.startswith(conditions.get("Prefix", ""))
            and all(tags.get(t["Key"]) == t["Value"] for t in wanted_tags)
            and size > conditions.get("ObjectSizeGreaterThan", -1)
            and size < conditions.get("ObjectSizeLessThan", float("inf")))


def class_on_day(rules: list[dict], day: int, key: str | None = None, size: int = 1024 * 1024,
                 start: str = "STANDARD") -> str | None:
    """The class of a current-version object ``day`` days after its creation (day 0), created
    in ``start``, or None once an Expiration has deleted it. ``key`` None means an object every
    rule selects (filters and status are not read). Transitions and expirations with ``Days``
    only; the latest action whose day has come wins (AWS acts once a day; hours are ignored)."""
    cls = start
    for day_due, action in sorted(_actions(rules, key, size), key=lambda a: a[0]):
        if day_due > day:
            break
        if action is None:
            return None
        cls = action
    return cls


def _actions(rules, key, size):
    for rule in rules:
        if key is not None and not applies_to(rule, key, size):
            continue
        for t in rule.get("Transitions", []):
            if "Days" in t:
                yield t["Days"], t["StorageClass"]
        if "Days" in rule.get("Expiration", {}):
            yield rule["Expiration"]["Days"], None


def log_rule(prefix: str, hot_days: int, warm_until: int, keep_days: int,
             abort_days: int = 7) -> dict:
    """The reference rule for Exercise 2's logs: read often until ``hot_days``, instantly
    readable until ``warm_until``, archived (hours are fine) until deleted on ``keep_days``:
    Standard-IA no earlier than day 30, Glacier Flexible Retrieval no earlier than 30 days in
    Standard-IA, deletion on ``keep_days``, incomplete uploads aborted after ``abort_days``."""
    ia = max(hot_days, 30)
    glacier = max(warm_until, ia + 30)
    return {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": prefix},
            "Transitions": [{"Days": ia, "StorageClass": "STANDARD_IA"},
                            {"Days": glacier, "StorageClass": "GLACIER"}],
            "Expiration": {"Days": keep_days},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": abort_days}}


# -- what a year costs --------------------------------------------------------------------------

COST_COLUMNS = ("storage", "transitions", "early_deletion", "total")


def monthly_cost(rule: dict, gb: float, objects: int, days: int = 360) -> list[dict]:
    """Month-by-month cost of ``objects`` objects totalling ``gb`` GB, all created in S3
    Standard on day 0 and selected by ``rule`` (its filter is not read), over ``days`` days
    (30-day months).

    - Storage: each day, ``gb * price / 30`` of the class the objects are in that day; nothing
      once they have expired.
    - Transitions: on the day of each transition, ``objects / 1000 * transition_fee`` of the
      class they move into.
    - Early deletion: when objects leave a class (a transition or expiration) after fewer days
      in it than its minimum storage duration, the remaining days are charged at that class's
      price, on the day they leave.

    Requests other than transitions, retrievals, the 128 KB and 40 KB per-object minimums and
    Intelligent-Tiering's tiers are left out. Returns one row per month: ``month`` (1, 2, ...),
    ``storage_class`` (the class on the month's first day, None once expired) and the
    ``COST_COLUMNS`` in dollars, unrounded."""
    rules = [rule]
    months = [{"month": m + 1, "storage_class": class_on_day(rules, m * MONTH_DAYS),
               **dict.fromkeys(COST_COLUMNS, 0.0)} for m in range((days + MONTH_DAYS - 1) // MONTH_DAYS)]
    entered, previous = 0, "STANDARD"
    for day in range(days):
        row = months[day // MONTH_DAYS]
        cls = class_on_day(rules, day)
        if cls != previous and previous is not None:
            left = CLASSES[previous]
            short = left.min_days - (day - entered)
            if short > 0:
                row["early_deletion"] += gb * left.price / MONTH_DAYS * short
            if cls is not None:
                row["transitions"] += objects / 1000 * CLASSES[cls].transition_fee
            entered = day
        if cls is not None:
            row["storage"] += gb * CLASSES[cls].price / MONTH_DAYS
        previous = cls
    for row in months:
        row["total"] = row["storage"] + row["transitions"] + row["early_deletion"]
    return months
