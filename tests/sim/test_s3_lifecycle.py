"""Tests for grader/sim/s3_lifecycle.py: the class rule of thumb, AWS's lifecycle constraints,
the class of an object per day and the monthly cost model, from tables."""

import pytest

from grader.sim.s3_lifecycle import (
    CLASSES,
    class_for,
    class_on_day,
    log_rule,
    monthly_cost,
    restore_tier,
    validate,
)

KB = 1024
case = pytest.param


def access(kb=200, reads=0, wait=0, recreatable=False, predictable=True):
    return {"size": kb * KB, "reads_per_year": reads, "max_wait_hours": wait,
            "recreatable": recreatable, "predictable": predictable}


@pytest.mark.parametrize(("facts", "expected"), [
    case(access(kb=127, reads=0, wait=48), "STANDARD", id="small-stays-standard"),
    case(access(predictable=False), "INTELLIGENT_TIERING", id="unknown-pattern"),
    case(access(reads=12), "STANDARD", id="monthly-or-more-is-hot"),
    case(access(reads=4), "STANDARD_IA", id="quarterly-instant"),
    case(access(reads=4, recreatable=True), "ONEZONE_IA", id="recreatable-copy"),
    case(access(reads=3), "GLACIER_IR", id="rare-instant"),
    case(access(wait=11), "GLACIER", id="hours"),
    case(access(wait=12), "DEEP_ARCHIVE", id="twelve-hours-or-more"),
])
def test_class_for(facts, expected):
    assert class_for(facts) == expected


def rule(*transitions, expire=None, **extra):
    r = {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": d, "StorageClass": c} for d, c in transitions], **extra}
    return {**r, "Expiration": {"Days": expire}} if expire else r


@pytest.mark.parametrize(("rules", "problem"), [
    case([rule((7, "STANDARD_IA"))], "Days for STANDARD_IA must be at least 30, not 7", id="ia-before-30"),
    case([rule((30, "STANDARD_IA"), (45, "GLACIER"))], "must come at least 30 days after", id="ia-then-30"),
    case([rule((30, "GLACIER_IR"), (60, "STANDARD_IA"))], "cannot transition from GLACIER_IR to STANDARD_IA",
                 id="waterfall"),
    case([rule((90, "GLACIER"), expire=60)], "must be greater than the last transition", id="expire-early"),
    case([rule((0, "GLACIER"), Status="Maybe")], "Status must be", id="status"),
    case([rule((0, "STANDARD"))], "not a class a lifecycle rule can transition to", id="to-standard"),
    case([rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 0})], "DaysAfterInitiation",
                 id="abort-zero"),
])
def test_validate_names_what_aws_rejects(rules, problem):
    assert any(problem in p for p in validate(rules)), validate(rules)


@pytest.mark.parametrize("rules", [
    case([log_rule("logs/", 7, 40, 200)], id="log-rule"),
    case([rule((0, "GLACIER_IR"), (10, "DEEP_ARCHIVE"), expire=11)], id="early-but-allowed"),
    case([rule((30, "ONEZONE_IA"), (60, "GLACIER"))], id="one-zone-then-glacier"),
])
def test_validate_accepts_valid_rules(rules):
    assert validate(rules) == []


def test_class_on_day_follows_the_prefix_and_expiry():
    rules = [log_rule("logs/", 7, 40, 200)]
    assert [class_on_day(rules, d, "logs/a") for d in (29, 30, 59, 60, 199, 200)] == [
        "STANDARD", "STANDARD_IA", "STANDARD_IA", "GLACIER", "GLACIER", None]
    assert class_on_day(rules, 300, "web/a") == "STANDARD"


def test_monthly_cost_charges_storage_transitions_and_early_deletion():
    hasty = rule((0, "GLACIER_IR"), (30, "DEEP_ARCHIVE"), expire=100)
    months = monthly_cost(hasty, gb=30, objects=2000)
    ir, da = CLASSES["GLACIER_IR"], CLASSES["DEEP_ARCHIVE"]
    assert months[0]["transitions"] == pytest.approx(2 * ir.transition_fee)
    assert months[1]["early_deletion"] == pytest.approx(30 * ir.price / 30 * 60)
    assert months[3]["early_deletion"] == pytest.approx(30 * da.price / 30 * 110)
    assert months[4]["storage"] == 0 and len(months) == 12
    assert all(m["total"] == pytest.approx(m["storage"] + m["transitions"] + m["early_deletion"])
               for m in months)


@pytest.mark.parametrize(("cls", "tier", "expected"), [
    ("DEEP_ARCHIVE", "Expedited", "Standard"), ("DEEP_ARCHIVE", "Bulk", "Bulk"),
    ("GLACIER", "Expedited", "Expedited")])
def test_restore_tier(cls, tier, expected):
    assert restore_tier(cls, tier) == expected
