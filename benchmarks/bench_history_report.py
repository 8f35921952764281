"""`pipekit history report` on 10,000 jobs (target: under 1 s).

The database is the recorded test history (tests/data/history) saved again and again under new run and
job ids until it holds 10,000 jobs; the timed part reads the runs and jobs from it (without steps, as
the command does) and builds the report and its JSON. Reading with `Store.jobs`, steps and all, is
printed beside it. Run: .venv/bin/python benchmarks/bench_history_report.py
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from pipekit.design.load import load_design
from pipekit.history.reading import jobs_of
from pipekit.history.recorded import load_recorded, read_recorded
from pipekit.history.report import build_report, format_json
from pipekit.history.store import Job, Store, open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "history"
JOBS = 10_000
TARGET_S = 1.0
REPEAT = 5


def fill(store: Store) -> int:
    """Copies of the recorded history, each under new ids, until the database holds JOBS jobs."""
    with open_store(":memory:") as recorded:
        load_recorded(recorded, read_recorded(FIXTURE / "history.json"))
        runs, jobs = recorded.runs(), recorded.jobs()
    by_run: dict[int, list[Job]] = {}
    for job in jobs:
        by_run.setdefault(job.run_id, []).append(job)
    saved, copy = 0, 0
    while saved < JOBS:
        copy += 1
        for run in runs:
            mine = by_run.get(run.id, [])[: JOBS - saved]
            new_id = run.id + copy * 10_000_000
            store.save_run(
                dataclasses.replace(run, id=new_id),
                [dataclasses.replace(job, id=job.id + copy * 100_000_000, run_id=new_id) for job in mine],
            )
            saved += len(mine)
            if saved >= JOBS:
                break
    return saved


def main() -> None:
    design = load_design(FIXTURE / "design.yaml")
    with tempfile.TemporaryDirectory() as temp:
        with open_store(Path(temp) / "history.sqlite") as store:
            count = fill(store)
        read, built, total = [], [], []
        for _ in range(REPEAT):
            start = time.perf_counter()
            with open_store(Path(temp) / "history.sqlite") as store:
                runs = store.runs()
                jobs = jobs_of(store, runs)
            middle = time.perf_counter()
            format_json(build_report(design, runs, jobs))
            end = time.perf_counter()
            read.append(middle - start)
            built.append(end - middle)
            total.append(end - start)
        with open_store(Path(temp) / "history.sqlite") as store:
            start = time.perf_counter()
            store.jobs()
            with_steps = time.perf_counter() - start
    print(f"history report on {count:,} jobs of {len(runs):,} runs (median of {REPEAT})")
    print(f"  read runs and jobs                {statistics.median(read):6.3f} s")
    print(f"  build the report and its JSON     {statistics.median(built):6.3f} s")
    print(
        f"  together                          {statistics.median(total):6.3f} s  (target < {TARGET_S:.0f} s)"
    )
    print(f"  Store.jobs with every step        {with_steps:6.3f} s  (not needed by the report)")


if __name__ == "__main__":
    main()
