"""How long one run takes: an event-driven list scheduler over job instances.

The jobs of one run may come from several workflows triggered by the same event; ``needs`` refers to
job ids in the same workflow. A job instance is *ready* once every instance of every job it needs has
finished. At each event (time 0, then whenever instances finish) the ready instances are started in
input order while slots are free:

* at most ``plan.concurrent_jobs`` instances on GitHub-hosted runners at once (standard and larger);
* at most ``plan.concurrent_macos_jobs`` of those on macOS;
* at most ``max_parallel`` instances of one matrix job.

An instance that cannot start does not block later ones that can. Self-hosted runners do not count
against the hosted limits and are assumed to have capacity for every job sent to them.

Not modelled: the delay before a runner picks up a queued job, job failures, ``if:`` conditions and
workflow-level ``concurrency`` groups. Times are minutes from the start of the run; the arithmetic
uses exact fractions of the decimal estimates, so hand-computed times compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from pipekit.facts.runners import Catalog, CustomRunner, Plan, RunnerType
from pipekit.pipeline.instances import JobRun

HeldBy: TypeAlias = Literal["needs", "concurrency", "macos", "max-parallel"]
_Key: TypeAlias = tuple[str, str]  # (workflow, job id)


@dataclass(frozen=True, kw_only=True)
class ScheduledJob:
    """When one job instance runs. ``after`` is the input index of the instance whose end let it start."""

    index: int  # position in the input sequence
    job: JobRun
    runner: RunnerType
    ready: float  # when everything it needs had finished
    start: float
    end: float
    held_by: HeldBy | None  # what it waited for last; None if it started at time 0
    after: int | None

    @property
    def waited(self) -> float:
        """Minutes spent ready but without a free slot."""
        return self.start - self.ready


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """The simulated run. ``critical_path`` is the chain that ends last: following each instance back
    to the one whose end let it start (a job it needs, or one that freed its slot)."""

    jobs: tuple[ScheduledJob, ...]  # in input order
    plan: Plan
    wall_clock: float
    critical_path: tuple[ScheduledJob, ...]
    peak_concurrency: int  # most instances running at once, self-hosted included


_SCALE = 1_000_000  # time unit of the simulation: a millionth of a minute


def simulate(
    jobs: Sequence[JobRun],
    *,
    plan: Plan,
    catalog: Catalog,
    custom_runners: Mapping[str, CustomRunner] | None = None,
) -> Schedule:
    """Schedule one run's job instances under the plan's limits (see the module docstring)."""
    runners = [catalog.runner(job.runner, custom_runners or {}) for job in jobs]
    # Exact integer micro-minutes: 4.2 + 6.1 is 10.3, not 10.299999999999999, and ints are fast.
    durations = [round(float(job.minutes) * _SCALE) for job in jobs]
    groups: dict[_Key, list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault((job.workflow, job.job), []).append(index)
    needs = _needs(jobs, groups)
    _check_acyclic(needs)
    max_parallel = _max_parallel(jobs, groups)

    remaining = {key: len(members) for key, members in groups.items()}
    running_in_group = dict.fromkeys(groups, 0)
    hosted_running = 0
    macos_running = 0
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    ready_at: dict[int, int] = {}
    held: dict[int, HeldBy] = {}
    after: dict[int, int] = {}
    finished_at: dict[int, list[int]] = {}
    running: list[int] = []
    pending = list(range(len(jobs)))
    now = 0
    peak = 0

    while pending or running:
        waiting: list[int] = []
        for index in pending:
            job, runner = jobs[index], runners[index]
            key = (job.workflow, job.job)
            if any(remaining[need] for need in needs[key]):
                waiting.append(index)
                continue
            if index not in ready_at:
                needed = [member for need in needs[key] for member in groups[need]]
                ready_at[index] = max((ends[member] for member in needed), default=0)
                if needed and ready_at[index] > 0:
                    held[index] = "needs"
                    # the first (in input order) of the needed instances that finished last
                    after[index] = min(member for member in needed if ends[member] == ready_at[index])
            hosted = not runner.self_hosted
            reason: HeldBy | None = None
            if hosted and hosted_running >= plan.concurrent_jobs:
                reason = "concurrency"
            elif hosted and runner.os == "macos" and macos_running >= plan.concurrent_macos_jobs:
                reason = "macos"
            elif running_in_group[key] >= max_parallel[key]:
                reason = "max-parallel"
            if reason is not None:
                held[index] = reason
                waiting.append(index)
                continue
            if now > ready_at[index]:
                freed = _freed_by(
                    held.get(index, "concurrency"), index, finished_at.get(now, []), jobs, runners
                )
                if freed is not None:
                    after[index] = freed
            starts[index] = now
            ends[index] = now + durations[index]
            running.append(index)
            running_in_group[key] += 1
            if hosted:
                hosted_running += 1
                if runner.os == "macos":
                    macos_running += 1
        pending = waiting
        peak = max(peak, len(running))
        if not running:
            if pending:  # a job graph with a cycle, or limits below one job: a bug in the caller
                stuck = jobs[pending[0]]
                raise ValueError(f"{stuck.workflow}: {stuck.name} can never start")
            break
        now = min(ends[index] for index in running)
        done = sorted(index for index in running if ends[index] == now)
        finished_at.setdefault(now, []).extend(done)
        for index in done:
            running.remove(index)
            key = (jobs[index].workflow, jobs[index].job)
            remaining[key] -= 1
            running_in_group[key] -= 1
            if not runners[index].self_hosted:
                hosted_running -= 1
                if runners[index].os == "macos":
                    macos_running -= 1

    scheduled = tuple(
        ScheduledJob(
            index=index,
            job=job,
            runner=runners[index],
            ready=ready_at[index] / _SCALE,
            start=starts[index] / _SCALE,
            end=ends[index] / _SCALE,
            held_by=held.get(index),
            after=after.get(index),
        )
        for index, job in enumerate(jobs)
    )
    return Schedule(
        jobs=scheduled,
        plan=plan,
        wall_clock=max(ends.values(), default=0) / _SCALE,
        critical_path=_critical_path(scheduled),
        peak_concurrency=peak,
    )


def _needs(jobs: Sequence[JobRun], groups: Mapping[_Key, list[int]]) -> dict[_Key, tuple[_Key, ...]]:
    """Each job's needed jobs (union over its instances), which must be jobs of the same workflow, and
    the jobs of the workflows it starts after (JobRun.after_workflows), when this run has them."""
    result: dict[_Key, tuple[_Key, ...]] = {}
    for key, members in groups.items():
        workflow, job_id = key
        names: dict[str, None] = {}
        for index in members:
            names.update(dict.fromkeys(jobs[index].needs))
        for name in names:
            if (workflow, name) not in groups:
                raise ValueError(f"{workflow}: job {job_id!r} needs {name!r}, which is not in this run")
        needed = [(workflow, name) for name in names]
        # a workflow_run start waits for every job of the awaited workflows that are in this run
        awaited = {name for index in members for name in jobs[index].after_workflows}
        needed += [other for other in groups if other[0] in awaited]
        result[key] = tuple(needed)
    return result


def _check_acyclic(needs: Mapping[_Key, tuple[_Key, ...]]) -> None:
    """ValueError naming the workflow and the jobs of the first dependency cycle found."""
    state: dict[_Key, Literal["visiting", "done"]] = {}
    for root in needs:
        if root in state:
            continue
        # iterative depth-first search; `trail` is the current path
        trail: list[_Key] = [root]
        iterators = [iter(needs[root])]
        state[root] = "visiting"
        while iterators:
            child = next(iterators[-1], None)
            if child is None:
                state[trail.pop()] = "done"
                iterators.pop()
                continue
            if state.get(child) == "visiting":
                cycle = [*trail[trail.index(child) :], child]
                workflow, job_id = child
                chain = " -> ".join(name for _, name in cycle)
                raise ValueError(f"{workflow}: dependency cycle: {chain} (job {job_id!r})")
            if child not in state:
                state[child] = "visiting"
                trail.append(child)
                iterators.append(iter(needs[child]))


def _max_parallel(jobs: Sequence[JobRun], groups: Mapping[_Key, list[int]]) -> dict[_Key, int | float]:
    limits: dict[_Key, int | float] = {}
    for key, members in groups.items():
        values = {jobs[index].max_parallel for index in members} - {None}
        limits[key] = min((value for value in values if value is not None), default=float("inf"))
    return limits


def _freed_by(
    reason: HeldBy, index: int, finished: Sequence[int], jobs: Sequence[JobRun], runners: Sequence[RunnerType]
) -> int | None:
    """The instance, among those that just finished, that freed the slot ``index`` was waiting for."""
    job = jobs[index]

    def frees(other: int) -> bool:
        if reason == "max-parallel":
            return (jobs[other].workflow, jobs[other].job) == (job.workflow, job.job)
        if reason == "macos":
            return runners[other].os == "macos" and not runners[other].self_hosted
        return not runners[other].self_hosted

    return next((other for other in finished if frees(other)), finished[0] if finished else None)


def _critical_path(scheduled: Sequence[ScheduledJob]) -> tuple[ScheduledJob, ...]:
    if not scheduled:
        return ()
    last = max(scheduled, key=lambda item: (item.end, -item.index))
    chain = [last]
    while chain[-1].after is not None:
        chain.append(scheduled[chain[-1].after])
    return tuple(reversed(chain))
