"""Reading a history's jobs without their steps, for the figures that never look at steps.

`Store.jobs` returns every job with its steps; on a long history the steps are most of the reading time
(ten steps or so a job), and the report and the calibration use none of them. The rows are the store's
own (schema version 1): the `jobs` table's columns in the order of `Job`'s fields.
"""

from __future__ import annotations

import dataclasses
import json

from pipekit.history.store import Job, Run, Store

_FIELDS = tuple(field.name for field in dataclasses.fields(Job) if field.name != "steps")


def jobs_of(store: Store, runs: list[Run]) -> list[Job]:
    """The jobs of every attempt of `runs`, without steps, in the order `Store.jobs` gives them."""
    order = {run.id: index for index, run in enumerate(runs)}
    rows = store.connection.execute(f"SELECT {', '.join(_FIELDS)} FROM jobs ORDER BY run_id, id")
    jobs = []
    for row in rows:
        if row[1] in order:
            values = dict(zip(_FIELDS, row, strict=True))
            values["labels"] = tuple(json.loads(values["labels"]))
            jobs.append(Job(**values))
    jobs.sort(key=lambda job: (order[job.run_id], job.id))
    return jobs
