"""Reading a history's jobs without their steps, for the figures that never look at steps.

`Store.jobs` returns every job with its steps; on a long history the steps are most of the reading time
(ten steps or so a job), and the report and the calibration use none of them. The rows are the store's
own (schema version 1): the `jobs` table's columns in the order of `Job`'s fields.
"""

from __future__ import annotations

from pipekit.history.store import JOB_COLUMNS, Job, Run, Store, job_from_row


def jobs_of(store: Store, runs: list[Run]) -> list[Job]:
    """The jobs of every attempt of `runs`, without steps, in the order `Store.jobs` gives them."""
    order = {run.id: index for index, run in enumerate(runs)}
    rows = store.connection.execute(f"SELECT {', '.join(JOB_COLUMNS)} FROM jobs ORDER BY run_id, id")
    jobs = [job_from_row(row) for row in rows if row[1] in order]
    jobs.sort(key=lambda job: (order[job.run_id], job.id))
    return jobs
