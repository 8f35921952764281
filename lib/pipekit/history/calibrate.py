"""`pipekit history calibrate`: the design's `estimates:` fitted to the run history.

Only jobs that succeeded are fitted (a failing job stops early; the plan estimates passing runs), every
attempt counted. Each history job is matched to the design's job instance of the same workflow file and
GitHub name (`pipekit.history.instances`). The model is the cost model's: a leg takes its job's Linux
minutes x its OS's factor x its mode's factor (x the image build's platform factor, which is kept), unless
an override gives its minutes. Fitted, in this order, each from medians, so a slow outlier moves nothing:

1. mode factors: for each job and OS, the median of a mode's legs over the median of the reference mode's
   (the matrix's first mode, whose factor stays as it is); the median of those ratios;
2. OS factors: likewise, the median of a job's legs on an OS over its median on Linux (mode factors
   divided out); Linux's factor stays as it is;
3. each job's Linux minutes: the median of its Linux legs with the factors divided out;
4. overrides: a leg whose median departs from what the factors predict by more than THRESHOLD gets its
   own minutes, matched by as few matrix values as cover every departing leg alike; then 1-3 are fitted
   again without the overridden legs. A departing leg shows only where its axes have three values or
   more: with two, either of the two ratios it takes part in could be the odd one, and the medians split
   the difference.

THRESHOLD is 20%. Durations vary by some 10% from run to run, so a leg's median over a handful of runs
strays by a few percent; 20% is well outside that, and GitHub bills whole minutes, so for the common 5-
to 10-minute job a smaller departure is one rounding step or less. An override below it would fit noise.

The re-run and cancellation shares are measured and printed; the design has no keys for them yet, so the
plan leaves them out and `--write` writes neither.
"""

from __future__ import annotations

import dataclasses
import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipekit import files, yamlio
from pipekit.cost.estimates import IMAGE_BUILD, build_platforms
from pipekit.cost.plan import plan_design
from pipekit.design.load import design_from_data
from pipekit.design.model import AXES, TRIGGERS, Design, Trigger
from pipekit.facts.platforms import load_platform_factors
from pipekit.history.instances import NamedJob, job_titles, named_jobs
from pipekit.history.report import MeasuredJob, measure
from pipekit.history.store import Job, Run
from pipekit.typed import to_data

THRESHOLD = 0.20
MIN_SAMPLES = 3  # successful jobs a figure needs before it is fitted
EVENT_TRIGGERS: Mapping[str, Trigger] = {
    "pull_request": "pull_request",
    "pull_request_target": "pull_request",
    "push": "push",
    "schedule": "schedule",
    # deploy.yaml starts when a push's Test and Build runs complete; the plan counts it per push
    "workflow_run": "push",
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Sample:
    """A successful history job matched to the design's instance."""

    instance: NamedJob
    minutes: float

    @property
    def key(self) -> tuple[str, str]:
        return (files_stem(self.instance.run.workflow), self.instance.run.job)

    @property
    def mode(self) -> str | None:
        mode = self.instance.run.matrix.get("mode")
        return mode if isinstance(mode, str) else None

    @property
    def leg(self) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted(self.instance.run.matrix.items()))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Estimates:
    """What calibration sets under `estimates:` (workflow stems, job ids, OS and mode names)."""

    minutes: Mapping[tuple[str, str], float]
    os_factor: Mapping[str, float]
    mode_factor: Mapping[str, float]
    overrides: tuple[Mapping[str, Any], ...]  # {workflow, job, match, minutes}, as the design writes them


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobComparison:
    """One history job: its actual median against the estimate before and after."""

    workflow: str  # file name
    name: str
    samples: int
    actual: float
    before: float
    after: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class TriggerCheck:
    """Billable minutes a trigger's run costs: the history's mean and each plan's prediction."""

    trigger: Trigger
    events: int  # pushes, pull-request pushes or schedules in the history, none of whose runs was cancelled
    actual: float
    before: int
    after: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class Rates:
    """How often a workflow's runs were re-run or cancelled."""

    workflow: str  # the run's path, or "all workflows"
    runs: int
    rerun_share: float  # runs with more than one attempt
    rerun_minutes_share: float  # minutes of later attempts over minutes of first attempts
    cancelled_share: float  # runs that concluded cancelled


@dataclasses.dataclass(frozen=True, kw_only=True)
class Calibration:
    before: Design
    after: Design
    fitted: Estimates
    data: dict[str, Any]  # the design file's data with the fitted keys set: what --write saves
    jobs: tuple[JobComparison, ...]
    checks: tuple[TriggerCheck, ...]
    rates: tuple[Rates, ...]
    unmatched: tuple[str, ...]  # "workflow: name" of history jobs the design has no instance for


def files_stem(workflow_file: str) -> str:
    return next(
        (stem for stem in files.WORKFLOWS if files.workflow_file(stem).name == workflow_file), workflow_file
    )


def file_name(path: str) -> str:
    """The workflow file of a run's path: ".github/workflows/test.yaml" -> "test.yaml"."""
    return path.rsplit("/", 1)[-1]


def match(
    design: Design, measured: Iterable[MeasuredJob], titles: Mapping[tuple[str, str], str] | None = None
) -> tuple[list[Sample], list[str]]:
    """The successful jobs matched to the design's instances, and the names of those that match none."""
    by_name: dict[tuple[str, str], dict[Trigger, NamedJob]] = defaultdict(dict)
    for named in named_jobs(design, titles):
        by_name[(named.run.workflow, named.name)].setdefault(named.trigger, named)
    samples: list[Sample] = []
    unmatched: set[str] = set()
    for item in measured:
        workflow = file_name(item.workflow)
        found = by_name.get((workflow, item.job.name))
        if not found:
            unmatched.add(f"{workflow}: {item.job.name}")
            continue
        trigger = EVENT_TRIGGERS.get(item.run.event)
        instance = found.get(trigger) if trigger else None
        if item.job.conclusion == "success":
            samples.append(Sample(instance=instance or next(iter(found.values())), minutes=item.minutes))
    return samples, sorted(unmatched)


def platform_factor(design: Design, sample: Sample) -> float:
    """The image build's factor for the platforms its trigger builds (kept, not fitted); 1 elsewhere."""
    if sample.key != IMAGE_BUILD:
        return 1.0
    return load_platform_factors().build_factor(
        build_platforms(design, sample.instance.trigger),
        sample.instance.arch,
        design.estimates.platform_factor,
    )


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if len(values) >= MIN_SAMPLES else None


def _ratio(values: Sequence[float], reference: Sequence[float]) -> float | None:
    top, bottom = _median(values), _median(reference)
    return None if top is None or bottom is None or bottom == 0 else top / bottom


def fit_factors(
    design: Design, samples: Sequence[Sample]
) -> tuple[dict[str, float], dict[str, float], dict[tuple[str, str], float]]:
    """Mode factors, OS factors and Linux minutes (steps 1-3 of the module's docstring)."""
    estimates = design.estimates
    modes = design.test.matrix.mode
    mode_factor = {mode: float(estimates.mode_factor.get(mode, 1.0)) for mode in modes}
    reference = modes[0]
    cells: dict[tuple[tuple[str, str], str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for sample in samples:
        if sample.mode is not None:
            cells[(sample.key, sample.instance.os)][sample.mode].append(sample.minutes)
    for mode in modes[1:]:
        ratios = [
            r for by_mode in cells.values() if (r := _ratio(by_mode[mode], by_mode[reference])) is not None
        ]
        if ratios:
            mode_factor[mode] = mode_factor[reference] * statistics.median(ratios)

    def without_mode(sample: Sample) -> float:
        return sample.minutes / (mode_factor.get(sample.mode, 1.0) if sample.mode else 1.0)

    current_os = {str(os): float(value) for os, value in estimates.os_factor.items()}
    os_factor = dict(current_os)
    by_job_os: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for sample in samples:
        by_job_os[sample.key][sample.instance.os].append(
            without_mode(sample) / platform_factor(design, sample)
        )
    linux = os_factor.get("linux", 1.0)
    for os in ("windows", "macos"):
        ratios = [r for by_os in by_job_os.values() if (r := _ratio(by_os[os], by_os["linux"])) is not None]
        if ratios:
            os_factor[os] = linux * statistics.median(ratios)

    minutes: dict[tuple[str, str], float] = {}
    for key, by_os in by_job_os.items():
        on_linux = [value / linux for value in by_os.get("linux", [])]
        if len(on_linux) >= MIN_SAMPLES:
            minutes[key] = statistics.median(on_linux)
            continue
        anywhere = [value / os_factor.get(os, 1.0) for os, values in by_os.items() for value in values]
        if len(anywhere) >= MIN_SAMPLES:
            minutes[key] = statistics.median(anywhere)
    return mode_factor, os_factor, minutes


def find_overrides(
    samples: Sequence[Sample],
    mode_factor: Mapping[str, float],
    os_factor: Mapping[str, float],
    minutes: Mapping[tuple[str, str], float],
) -> list[tuple[tuple[str, str], dict[str, Any], float, set[tuple[tuple[str, Any], ...]]]]:
    """Step 4: (job key, match, minutes, the legs it covers) for legs that depart from the factors."""
    legs: dict[tuple[tuple[str, str], tuple[tuple[str, Any], ...]], list[Sample]] = defaultdict(list)
    for sample in samples:
        if sample.instance.run.matrix:
            legs[(sample.key, sample.leg)].append(sample)
    actual: dict[tuple[tuple[str, str], tuple[tuple[str, Any], ...]], float] = {}
    departing: set[tuple[tuple[str, str], tuple[tuple[str, Any], ...]]] = set()
    for (key, leg), found in legs.items():
        median = _median([sample.minutes for sample in found])
        if median is None or key not in minutes:
            continue
        first = found[0]
        predicted = (
            minutes[key] * os_factor.get(first.instance.os, 1.0) * mode_factor.get(first.mode or "", 1.0)
        )
        actual[(key, leg)] = median
        if abs(median / predicted - 1) > THRESHOLD:
            departing.add((key, leg))
    overrides = []
    covered: set[tuple[tuple[str, str], tuple[tuple[str, Any], ...]]] = set()
    for key, leg in sorted(departing, key=repr):
        if (key, leg) in covered:
            continue
        values = dict(leg)
        axes = [axis for axis in AXES if axis in values] + sorted(set(values) - set(AXES))
        for size in range(1, len(axes) + 1):
            found_match = None
            for subset in itertools.combinations(axes, size):
                wanted = {axis: values[axis] for axis in subset}
                matched = [
                    (other_key, other)
                    for other_key, other in actual
                    if other_key == key
                    and all(dict(other).get(axis) == value for axis, value in wanted.items())
                ]
                figures = [actual[item] for item in matched]
                middle = statistics.median(figures)
                if all(item in departing for item in matched) and all(
                    abs(figure / middle - 1) <= THRESHOLD for figure in figures
                ):
                    found_match = (wanted, matched)
                    break
            if found_match is not None:
                wanted, matched = found_match
                durations = [s.minutes for item in matched for s in legs[item]]
                overrides.append((key, wanted, statistics.median(durations), {leg for _, leg in matched}))
                covered.update(matched)
                break
    return overrides


def fit(design: Design, samples: Sequence[Sample]) -> Estimates:
    """The fitted estimates (see the module's docstring), rounded as a person would write them."""
    mode_factor, os_factor, minutes = fit_factors(design, samples)
    overrides = find_overrides(samples, mode_factor, os_factor, minutes)
    if overrides:
        overridden = {(key, leg) for key, _, _, legs in overrides for leg in legs}
        kept = [sample for sample in samples if (sample.key, sample.leg) not in overridden]
        mode_factor, os_factor, minutes = fit_factors(design, kept)
        overrides = find_overrides(samples, mode_factor, os_factor, minutes)
    return Estimates(
        minutes={key: max(0.1, round(value, 1)) for key, value in minutes.items()},
        os_factor={os: round(value, 2) for os, value in os_factor.items()},
        mode_factor={mode: round(value, 2) for mode, value in mode_factor.items()},
        overrides=tuple(
            {"workflow": key[0], "job": key[1], "match": wanted, "minutes": max(0.1, round(value, 1))}
            for key, wanted, value, _ in overrides
        ),
    )


def updated_data(data: Mapping[str, Any], design: Design, fitted: Estimates) -> dict[str, Any]:
    """The design file's `data` with only the fitted `estimates` keys set. Overrides of jobs the history
    fitted are replaced by the fitted ones; others are kept."""
    result = dict(data)
    estimates = dict(result.get("estimates") or {})
    minutes = {workflow: dict(jobs) for workflow, jobs in (estimates.get("minutes") or {}).items()}
    for (workflow, job), value in fitted.minutes.items():
        minutes.setdefault(workflow, {})[job] = value
    estimates["minutes"] = minutes
    for key, values in (("os_factor", fitted.os_factor), ("mode_factor", fitted.mode_factor)):
        current = dict(estimates.get(key) or {})
        for name, value in values.items():
            if value != current.get(name, to_data(getattr(design.estimates, key)).get(name)):
                current[name] = value
        estimates[key] = current
    refitted = set(fitted.minutes)
    kept = [
        override
        for override in to_data(design.estimates.overrides)
        if (override["workflow"], override["job"]) not in refitted
    ]
    estimates["overrides"] = kept + [dict(override) for override in fitted.overrides]
    result["estimates"] = estimates
    return result


def check_triggers(
    before: Design, after: Design, measured: Sequence[MeasuredJob]
) -> tuple[TriggerCheck, ...]:
    """Per trigger, the mean billable minutes of the first attempts of what one event started (its runs
    grouped by commit; events with a cancelled run left out), against each plan's prediction."""
    events: dict[tuple[Trigger, str], list[MeasuredJob]] = defaultdict(list)
    cancelled: set[tuple[Trigger, str]] = set()
    for item in measured:
        trigger = EVENT_TRIGGERS.get(item.run.event)
        if trigger is None:
            continue
        event = (trigger, item.run.head_sha)
        if item.run.conclusion == "cancelled":
            cancelled.add(event)
        if item.job.run_attempt == 1:
            events[event].append(item)
    plans = plan_design(before), plan_design(after)
    checks = []
    for trigger in TRIGGERS:
        totals = [
            sum(item.price.billable_minutes for item in items)
            for event, items in events.items()
            if event[0] == trigger and event not in cancelled
        ]
        if totals:
            checks.append(
                TriggerCheck(
                    trigger=trigger,
                    events=len(totals),
                    actual=statistics.mean(totals),
                    before=plans[0].trigger(trigger).cost.billable_minutes,
                    after=plans[1].trigger(trigger).cost.billable_minutes,
                )
            )
    return tuple(checks)


def rates(runs: Sequence[Run], measured: Sequence[MeasuredJob]) -> tuple[Rates, ...]:
    """Re-run and cancellation shares per workflow and for all workflows together."""
    first: dict[str, int] = defaultdict(int)
    later: dict[str, int] = defaultdict(int)
    for item in measured:
        (later if item.job.run_attempt > 1 else first)[item.workflow] += item.price.rounded_minutes
    grouped: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        grouped[run.path].append(run)
    rows = []
    for workflow, mine in [*sorted(grouped.items()), ("all workflows", list(runs))]:
        every = workflow == "all workflows"
        first_minutes = sum(first.values()) if every else first[workflow]
        later_minutes = sum(later.values()) if every else later[workflow]
        rows.append(
            Rates(
                workflow=workflow,
                runs=len(mine),
                rerun_share=sum(run.run_attempt > 1 for run in mine) / len(mine),
                rerun_minutes_share=later_minutes / first_minutes if first_minutes else 0.0,
                cancelled_share=sum(run.conclusion == "cancelled" for run in mine) / len(mine),
            )
        )
    return tuple(rows) if runs else ()


def calibrate(design_path: str | Path, runs: Sequence[Run], jobs: Iterable[Job]) -> Calibration:
    """Fit the design at `design_path` to the history of `runs` and their `jobs`."""
    path = Path(design_path)
    data = yamlio.load_file(path) or {}
    before = design_from_data(data, str(path))
    measured = measure(before, runs, jobs)
    titles = job_titles(before)
    samples, unmatched = match(before, measured, titles)
    fitted = fit(before, samples)
    new_data = updated_data(data, before, fitted)
    after = design_from_data(new_data, str(path))
    return Calibration(
        before=before,
        after=after,
        fitted=fitted,
        data=new_data,
        jobs=compare_jobs(before, after, samples, titles),
        checks=check_triggers(before, after, measured),
        rates=rates(runs, measured),
        unmatched=tuple(unmatched),
    )


def compare_jobs(
    before: Design, after: Design, samples: Sequence[Sample], titles: Mapping[tuple[str, str], str]
) -> tuple[JobComparison, ...]:
    """Each matched history job's actual median against its estimate in each design (the instance of
    the trigger that started most of its runs)."""
    grouped: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for sample in samples:
        grouped[(sample.instance.run.workflow, sample.instance.name)].append(sample)
    estimates = []
    for design in (before, after):
        found: dict[tuple[str, str, Trigger], float] = {}
        for named in named_jobs(design, titles):
            found[(named.run.workflow, named.name, named.trigger)] = named.run.minutes
        estimates.append(found)
    rows = []
    for (workflow, name), mine in sorted(grouped.items()):
        trigger = statistics.mode(sample.instance.trigger for sample in mine)
        rows.append(
            JobComparison(
                workflow=workflow,
                name=name,
                samples=len(mine),
                actual=statistics.median(sample.minutes for sample in mine),
                before=estimates[0][(workflow, name, trigger)],
                after=estimates[1][(workflow, name, trigger)],
            )
        )
    return tuple(rows)
