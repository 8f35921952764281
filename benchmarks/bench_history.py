"""`pipekit history fetch` end to end: 10,000 jobs (1,000 runs x 10 jobs, 10 steps each) served by the
tests' stand-in GitHub on 127.0.0.1, in a process of its own, fetched into a fresh database; then the
same fetch again, which GitHub answers with 304s.

Target, from the issue that set it: fetch and store 10,000 jobs in under 10 s. Figures are printed,
never asserted. Run: .venv/bin/python benchmarks/bench_history.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS, JOBS, STEPS = 1000, 10, 10
DAY = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
NOW = DAY + dt.timedelta(hours=23)


def serve(connection: Connection) -> None:
    """The stand-in GitHub with the benchmark's runs, until the parent closes its end of the pipe."""
    sys.path.insert(0, str(ROOT))
    from tests.history.stand_in import GitHubStandIn

    with GitHubStandIn() as github:
        for number in range(RUNS):
            github.add_run(10_000 + number, DAY + dt.timedelta(seconds=80 * number), jobs=JOBS, steps=STEPS)
        connection.send(github.api_url)
        with contextlib.suppress(EOFError):  # the parent is done
            connection.recv()


def timed_fetch(api_url: str, database: Path) -> tuple[float, float, int, int, int]:
    """Seconds, this process's CPU seconds, requests, 304 answers and jobs saved for one fetch of the
    whole day (the CPU time tells this side's cost apart from the server's and a busy machine's)."""
    from pipekit.history.api import Client
    from pipekit.history.fetch import Fetcher
    from pipekit.history.store import open_store

    start, cpu = time.perf_counter(), time.process_time()
    with open_store(database) as store, Client(api_url, "benchmark-token", cache=store) as client:
        summary = Fetcher(client, store, "octo-org/octo-repo").run(DAY, NOW)
        counts = client.counts
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return seconds, cpu, counts.requests, counts.not_modified, summary.jobs_saved


def main() -> None:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=serve, args=(theirs,), daemon=True)
    server.start()
    try:
        api_url = ours.recv()
        with tempfile.TemporaryDirectory() as temp:
            database = Path(temp) / "history.sqlite"
            for label in ("first fetch", "again (304s)"):
                seconds, cpu, requests, not_modified, jobs = timed_fetch(api_url, database)
                print(
                    f"{label:<14} {seconds:6.2f} s ({cpu:5.2f} s CPU here)  {jobs:>6,} jobs saved  "
                    f"{requests:>5,} requests ({not_modified:,} answered 304)  "
                    f"{requests / seconds:6.1f} requests/s"
                )
            size = database.stat().st_size + sum(p.stat().st_size for p in Path(temp).glob("*-wal"))
            print(f"database       {size / 1e6:6.1f} MB for {RUNS:,} runs and {RUNS * JOBS:,} jobs")
            print(f"target: the first fetch under 10 s (load average now {os.getloadavg()[0]:.1f})")
    finally:
        ours.close()
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()


if __name__ == "__main__":
    main()
