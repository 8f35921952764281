"""Every rule a design must follow beyond its fields' own types, patterns and bounds: one function each.

A rule takes the converted Design and raises one DesignError naming the key path and what to do. Rules
are registered in `RULES` in the order they run; a later rule may rely on what an earlier one checked
(the matrix entries are plain before the matrix is expanded, labels are known before they are priced).
`design.load` runs them all on every load, whatever the command, so every command accepts exactly the
same designs and no later stage (planning, costing, rendering) checks the design again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pipekit import files
from pipekit.design.model import (
    AXES,
    NAME,
    NAME_WORDS,
    PYTHON_VERSION,
    PYTHON_WORDS,
    DeployCommands,
    Design,
    GitleaksAllowlist,
    Trigger,
)
from pipekit.errors import DesignError, MatrixError
from pipekit.facts import gitleaks
from pipekit.facts.runners import load_catalog
from pipekit.github.matrix import MatrixLeg, expand_matrix_legs
from pipekit.typed import expect_string, field_spec, yaml_key
from pipekit.wording import describe, did_you_mean

Rule = Callable[[Design], None]
RULES: list[Rule] = []


def rule(function: Rule) -> Rule:
    """Register `function` as a design rule (run in the order registered)."""
    RULES.append(function)
    return function


def check_rules(design: Design) -> None:
    """Run every rule; the first broken one raises its DesignError."""
    for check in RULES:
        check(design)


NO_EXPRESSION = (
    "GitHub evaluates '${{ }}' before the shell runs, so untrusted text such as an issue title could "
    "inject code; read values from environment variables ($VAR) instead"
)


def test_legs(design: Design) -> list[MatrixLeg]:
    """The test matrix's legs, as GitHub builds them from test.yaml's strategy.matrix."""
    return expand_matrix_legs(design.test.matrix.strategy(), job="test")


def _axis_values(design: Design, axis: str) -> tuple[str, ...]:
    matrix = design.test.matrix
    return {"python-version": matrix.python_version, "os": matrix.os, "mode": matrix.mode}[axis]


def _check_axis_value(design: Design, axis: str, value: Any, path: str) -> None:
    """A value written for a matrix axis anywhere (include, exclude, report_leg, an override's match)."""
    text = expect_string(value, path)  # an unquoted 3.10 is the number 3.1: refused with the hint
    if axis == "python-version" and re.fullmatch(PYTHON_VERSION, text) is None:
        raise DesignError(path, f"expected {PYTHON_WORDS}, got {describe(text)}")
    if axis == "mode" and text not in design.test.modes:
        raise DesignError(
            path,
            f"mode {text!r} has no entry under test.modes{did_you_mean(text, design.test.modes)}; "
            f"add test.modes.{text} with its extras and env",
        )


# ------------------------------------------------------------------------------------------ the matrix


@rule
def matrix_entries_are_plain(design: Design) -> None:
    """An include or exclude entry maps matrix keys to plain one-line values; axis values are strings
    (an unquoted 3.10 would silently be the version 3.1), Python versions and modes as on the axes."""
    matrix = design.test.matrix
    for section, entries in (("include", matrix.include), ("exclude", matrix.exclude)):
        for index, entry in enumerate(entries):
            where = f"test.matrix.{section}[{index}]"
            for key, value in entry.items():
                path = f"{where}.{key}"
                if re.fullmatch(NAME, key) is None:
                    raise DesignError(path, f"expected {NAME_WORDS} as the matrix key")
                if key in AXES:
                    _check_axis_value(design, key, value, path)
                    continue
                if not isinstance(value, str | int | float | bool):
                    raise DesignError(path, f"expected a string or number, got {describe(value)}")
                if isinstance(value, str) and ("${{" in value or "\n" in value or "\r" in value):
                    raise DesignError(path, "expected a plain value, not an expression or several lines")


@rule
def matrix_modes_are_declared(design: Design) -> None:
    """Every mode on the matrix's mode axis has its extras and environment under test.modes."""
    for index, mode in enumerate(design.test.matrix.mode):
        _check_axis_value(design, "mode", mode, f"test.matrix.mode[{index}]")


@rule
def matrix_yields_test_legs(design: Design) -> None:
    """The matrix yields 1 to 256 legs after exclude and include (GitHub's limit), and every leg has a
    Python version, a runner and a mode: an include entry that matches no leg becomes a leg of its own."""
    try:
        legs = test_legs(design)
    except MatrixError as error:
        message = error.message.removeprefix("job 'test': ")
        where, colon, problem = message.partition(": ")
        if colon and where.startswith("strategy.matrix") and " " not in where:
            raise DesignError("test.matrix" + where.removeprefix("strategy.matrix"), problem) from None
        raise DesignError("test.matrix", message) from None
    if not any(leg.matrix for leg in legs):
        raise DesignError("test.matrix", "exclude removes every combination, so the test job would never run")
    for leg in legs:
        missing = [axis for axis in AXES if axis not in leg.matrix]
        if missing:
            raise DesignError(
                "test.matrix.include",
                f"the entry {dict(leg.matrix)} matches no combination left after exclude, so it becomes a "
                f"leg of its own, but it has no {' or '.join(missing)}; give it python-version, os and mode",
            )


@rule
def report_leg_runs(design: Design) -> None:
    """The leg chosen to upload coverage (and to pick the benchmark's mode) is one the matrix runs."""
    chosen = design.test.coverage.report_leg
    if not chosen:
        return
    for key, value in chosen.items():
        path = f"test.coverage.report_leg.{key}"
        if key not in AXES:
            raise DesignError(path, f"expected one of {', '.join(AXES)}{did_you_mean(key, AXES)}")
        _check_axis_value(design, key, value, path)
        axis = _axis_values(design, key)
        if value not in axis:
            raise DesignError(
                path, f"{value!r} is not in test.matrix.{key} ({', '.join(axis)}); pick a leg that runs"
            )
    if not any(
        all(leg.matrix.get(key) == value for key, value in chosen.items()) for leg in test_legs(design)
    ):
        raise DesignError(
            "test.coverage.report_leg",
            "no leg of the test matrix has these values (is it excluded?); pick a leg that runs",
        )


@rule
def matrix_legs_differ_in_their_axes(design: Design) -> None:
    """Each test leg has a Python version, runner and mode of its own when something names a leg by
    them: its results artifact (test.report) and the coverage report leg. Include entries can add a leg
    that repeats another's axes; the second upload under the same name would fail its leg."""
    coverage = design.test.coverage
    if not (design.test.report.enabled or (coverage.enabled and coverage.html_artifact)):
        return
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    for leg in test_legs(design):
        axes = tuple(str(leg.matrix[axis]) for axis in AXES)
        if axes in seen:
            raise DesignError(
                "test.matrix.include",
                f"two legs have python-version {axes[0]}, os {axes[1]} and mode {axes[2]} "
                f"({dict(seen[axes])} and {dict(leg.matrix)}); each leg's results are kept under its "
                "axes, so give the legs different axes or merge the include entries",
            )
        seen[axes] = dict(leg.matrix)


# ------------------------------------------------------------------------------------------- runners


def runner_label_fields(design: Design) -> Iterator[tuple[str, str]]:
    """(key path, label) of every runs-on label the design writes, include entries' os values too."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            where = f"{path}.{yaml_key(field)}" if path else yaml_key(field)
            if field_spec(field).runner_label:
                if isinstance(value, str):
                    yield where, value
                else:
                    yield from ((f"{where}[{i}]", label) for i, label in enumerate(value))
            elif dataclasses.is_dataclass(value):
                yield from walk(value, where)

    yield from walk(design, "")
    for index, entry in enumerate(design.test.matrix.include):
        if isinstance(entry.get("os"), str):
            yield f"test.matrix.include[{index}].os", entry["os"]


@rule
def custom_runners_are_consistent(design: Design) -> None:
    """A label under `runners` is not a GitHub-hosted label; a self-hosted runner has no price class; a
    larger runner names a larger-runner price class of its own OS."""
    catalog = load_catalog()
    for label, runner in design.runners.items():
        path = f"runners.{label}"
        if re.fullmatch(NAME, label) is None:
            raise DesignError(path, f"expected {NAME_WORDS} as the runner label")
        if label in catalog.labels:
            raise DesignError(path, f"{label!r} is a GitHub-hosted label; give the runner a label of its own")
        if runner.kind == "self-hosted":
            if runner.price_class is not None:
                raise DesignError(
                    f"{path}.price_class", "self-hosted runners are not billed by GitHub; remove price_class"
                )
            continue
        choices = catalog.larger_classes(runner.os)
        if runner.price_class not in choices:
            got = "none" if runner.price_class is None else repr(runner.price_class)
            raise DesignError(
                f"{path}.price_class",
                f"a larger {runner.os} runner needs a larger-runner price class, got {got}; "
                f"use one of {', '.join(choices)}",
            )


@rule
def design_check_says_how_to_install_pipekit(design: Design) -> None:
    """The design check job installs pipekit in CI; the design must say from where (pipekit's name on
    a package index could be anyone's)."""
    check = design.test.design_check
    if check.enabled and check.requirement is None:
        raise DesignError(
            "test.design_check.requirement",
            "expected the pip requirement that installs pipekit in CI, such as 'pipekit==0.1.0' or "
            "'pipekit @ git+https://github.com/OWNER/pipekit@<commit>', when the design check is enabled",
        )


@rule
def runner_labels_are_known(design: Design) -> None:
    """Every runs-on label is a GitHub-hosted label or one declared under `runners`."""
    catalog = load_catalog()
    for path, label in runner_label_fields(design):
        catalog.runner(label, design.runners, path=path)


@rule
def prices_cover_the_runners(design: Design) -> None:
    """billing.prices_on is a real date, a price table is in force on it, and that table has a rate for
    every price class the design's runners are billed by (older tables lack newer classes; standard
    runners in a public repository are free and need none)."""
    try:
        day = dt.date.fromisoformat(design.billing.prices_on)
    except ValueError:
        raise DesignError("billing.prices_on", f"{design.billing.prices_on!r} is not a real date") from None
    catalog = load_catalog()
    table = catalog.price_table(day)
    if table is None:
        raise DesignError("billing.prices_on", f"no runner price table pipekit knows covers {day}")
    labels = [("the jobs pipekit places itself", files.DEFAULT_RUNNER), *runner_label_fields(design)]
    public = design.billing.visibility == "public"
    for path, label in labels:
        runner = catalog.runner(label, design.runners)
        if runner.price_class is None or (public and not runner.larger):
            continue
        if runner.price_class not in table.usd_per_minute:
            raise DesignError(
                "billing.prices_on",
                f"the price table in force {table.period} ({table.name}) has no rate for {label} "
                f"({runner.price_class}, at {path}); choose a later date",
            )


# ------------------------------------------------------------------------------ commands and secrets


@rule
def commands_hold_no_expressions(design: Design) -> None:
    """User commands and the values put beside them reach the workflow as written: no '${{ }}'."""
    if design.license.header is not None and "${{" in design.license.header:
        raise DesignError(
            "license.header",
            "the header text must not contain '${{': GitHub would evaluate it as an expression, so the "
            "check could never match it literally",
        )
    values = {
        "test.benchmark.command": design.test.benchmark.command,
        "test.pytest_args": design.test.pytest_args,
    }
    if design.test.setup is not None:
        values["test.setup"] = design.test.setup
    for field in dataclasses.fields(DeployCommands):
        command = getattr(design.deploy.commands, field.name)
        if command is not None:
            values[f"deploy.commands.{field.name}"] = command
    for name, mode in design.test.modes.items():
        for key, value in mode.env.items():
            values[f"test.modes.{name}.env.{key}"] = value
    for path, value in values.items():
        if "${{" in value:
            raise DesignError(path, f"expected a plain value; {NO_EXPRESSION}")


@rule
def commands_are_not_blank(design: Design) -> None:
    """Every command a job runs says something: a blank one would pass without doing anything."""
    values = {
        f"deploy.commands.{f.name}": getattr(design.deploy.commands, f.name)
        for f in dataclasses.fields(DeployCommands)
    }
    if design.test.benchmark.enabled:
        values["test.benchmark.command"] = design.test.benchmark.command
    values["test.setup"] = design.test.setup
    for path, value in values.items():
        if value is not None and not value.strip():
            raise DesignError(path, "expected a shell command (or null)")
    header = design.license.header
    if design.license.enabled and header is not None and not header.strip():
        raise DesignError("license.header", "expected the text source files begin with, or null for no check")


@rule
def deploys_have_their_commands(design: Design) -> None:
    """A deploy workflow runs the team's deploy, health check and rollback commands (pipekit ships no
    placeholder that would fail), and previews need a teardown for when their pull request closes."""
    deploy = design.deploy
    if not deploy.enabled:
        return
    needed = ["deploy", "health", "rollback"] + (["teardown"] if deploy.preview is not None else [])
    for name in needed:
        if getattr(deploy.commands, name) is None:
            raise DesignError(
                f"deploy.commands.{name}",
                f"deploy.yaml needs the {name} command; write it, or set deploy.enabled: false",
            )


@rule
def deploy_secrets_are_free_names(design: Design) -> None:
    """A secret passed to the deploy commands must not replace a variable the deploy steps set."""
    deploy = design.deploy
    secrets = {"staging": deploy.staging.secrets, "production": deploy.production.secrets}
    if deploy.preview is not None:
        secrets["preview"] = deploy.preview.secrets
    for target, names in secrets.items():
        for index, name in enumerate(names):
            if name in DEPLOY_VARIABLES or name.startswith(("HEALTH_", "GITHUB_", "RUNNER_")):
                raise DesignError(
                    f"deploy.{target}.secrets[{index}]", f"{name} is a name the deploy steps already use"
                )


DEPLOY_VARIABLES = ("DEPLOY_ENVIRONMENT", "DEPLOY_URL", "IMAGE", "GIT_SHA", "PR_NUMBER")


@rule
def preview_secrets_are_their_own(design: Design) -> None:
    """A preview environment is created on its first deploy, with no secrets of its own, so a preview's
    secrets are repository secrets: one that staging or production also names would be the same value
    wherever an environment lacks it, never one token for preview and production."""
    deploy = design.deploy
    if not deploy.enabled or deploy.preview is None:
        return
    guarded = set(deploy.staging.secrets) | set(deploy.production.secrets)
    for index, name in enumerate(deploy.preview.secrets):
        if name in guarded:
            raise DesignError(
                f"deploy.preview.secrets[{index}]",
                f"{name} is also a staging or production secret; give previews a secret of their own",
            )


@rule
def webhook_secret_is_a_secret_name(design: Design) -> None:
    """The failure notification's webhook URL comes from a repository secret, and GitHub refuses secret
    names that start with GITHUB_ (so such a secret could never hold the URL)."""
    name = design.test.report.webhook_secret
    if name is not None and name.upper().startswith("GITHUB_"):
        raise DesignError(
            "test.report.webhook_secret",
            f"{name} cannot be a secret's name: GitHub refuses names that start with GITHUB_; name the "
            "repository secret that holds the webhook URL",
        )


@rule
def webhook_needs_the_report(design: Design) -> None:
    """The report job sends the failure notification: a webhook without the report would never be
    called."""
    report = design.test.report
    if report.webhook_secret is not None and not report.enabled:
        raise DesignError(
            "test.report.webhook_secret",
            "the report job sends the notification, and test.report.enabled is false; enable the report "
            "or set webhook_secret to null",
        )


@rule
def environments_are_available(design: Design) -> None:
    """Deploys run in GitHub environments, which private repositories have only on GitHub Pro, Team or
    Enterprise."""
    billing = design.billing
    if design.deploy.enabled and billing.visibility == "private" and billing.plan == "free":
        raise DesignError(
            "deploy.enabled",
            "GitHub environments (and their secrets) are not available to private repositories on the Free "
            "plan; choose pro, team or enterprise under billing.plan, or turn deploys off",
        )


@rule
def production_approval_is_available(design: Design) -> None:
    """Required reviewers on an environment protect a private repository only on GitHub Enterprise;
    elsewhere the production deploy is promoted by hand."""
    billing = design.billing
    if (
        design.deploy.enabled
        and design.deploy.production_approval == "reviewers"
        and billing.visibility == "private"
        and billing.plan != "enterprise"
    ):
        raise DesignError(
            "deploy.production_approval",
            f"required reviewers on environments need GitHub Enterprise for private repositories (the "
            f"design says {billing.plan}); use 'manual' (a person starts the promotion) or change the plan",
        )


@rule
def health_checks_fit_the_timeout(design: Design) -> None:
    """The health check's tries end before the job's timeout: a timed-out job is cancelled, and a
    cancelled job runs no rollback."""
    deploy = design.deploy
    waiting = (deploy.health_retries - 1) * deploy.health_interval_seconds
    if waiting >= deploy.timeout_minutes * 60:
        raise DesignError(
            "deploy.health_retries",
            f"{deploy.health_retries} tries {deploy.health_interval_seconds}s apart outlast the "
            f"{deploy.timeout_minutes}-minute job timeout, and a timed-out job is not rolled back; "
            "lower the retries or the interval, or raise deploy.timeout_minutes",
        )


# ------------------------------------------------------------------------------------------- scanners


@rule
def gitleaks_disabled_rules_exist(design: Design) -> None:
    """Each disabled rule id is a default rule of the gitleaks release the workflow runs (gitleaks
    ignores an unknown id, so a typo would leave the rule on)."""
    settings = design.security.gitleaks
    if not settings.disabled_rules:
        return  # reading the release's rule set costs a TOML parse: only when there is something to check
    known = gitleaks.default_rule_ids(settings.version)
    for index, rule_id in enumerate(settings.disabled_rules):
        if rule_id not in known:
            raise DesignError(
                f"security.gitleaks.disabled_rules[{index}]",
                f"{rule_id!r} is not a rule of gitleaks {settings.version}'s default config"
                f"{did_you_mean(rule_id, known)}",
            )


@rule
def gitleaks_allowlist_is_re2(design: Design) -> None:
    """Allowlist paths and regexes are Go regexps (RE2): gitleaks cannot load lookarounds or
    backreferences."""
    allowlist = design.security.gitleaks.allowlist
    # pipekit's own defaults are proved by a test to compile under RE2: only other patterns need RE2 here
    defaults = GitleaksAllowlist()
    proven = {*defaults.paths, *defaults.regexes}
    for name, patterns in (("paths", allowlist.paths), ("regexes", allowlist.regexes)):
        for index, pattern in enumerate(patterns):
            problem = None if pattern in proven else gitleaks.re2_problem(pattern)
            if problem is not None:
                raise DesignError(
                    f"security.gitleaks.allowlist.{name}[{index}]",
                    f"{pattern!r} is not a Go/RE2 regular expression ({problem}); gitleaks cannot load it "
                    "(RE2 has no lookaheads, lookbehinds or backreferences)",
                )


@rule
def license_lists_do_not_overlap(design: Design) -> None:
    """A license cannot be both allowed and denied."""
    allowed = {name.lower() for name in design.license.allow}
    for index, name in enumerate(design.license.deny):
        if name.lower() in allowed:
            raise DesignError(
                f"license.deny[{index}]", f"{name} is also in license.allow; keep it in one list"
            )


# ------------------------------------------------------------------------------------------ estimates


@rule
def scheduled_runs_come_from_the_cron(design: Design) -> None:
    """security.schedule is a cron expression, and it alone says how often scheduled runs start: a
    count of its own in billing.runs_per_month could only disagree with it."""
    import datetime as dt

    from pipekit.cost import cron

    count = cron.runs_per_month(design.security.schedule, dt.date.fromisoformat(design.billing.prices_on))
    if "schedule" in design.billing.runs_per_month:
        raise DesignError(
            "billing.runs_per_month.schedule",
            f"scheduled runs come from security.schedule ({design.security.schedule!r}: {count} a month); "
            "remove this key",
        )


@rule
def ignored_paths_are_named(design: Design) -> None:
    """Runs skipped for changes to ignored paths need the paths: without project.paths_ignore every
    push starts the workflows."""
    if design.billing.ignored_share > 0 and not design.project.paths_ignore:
        raise DesignError(
            "billing.ignored_share",
            "no change is ignored without project.paths_ignore (e.g. ['docs/**', '*.md']); set it, or 0",
        )


@rule
def pins_name_actions_pipekit_uses(design: Design) -> None:
    """A design's own pin replaces one of pipekit's: an action pipekit never writes has nothing to pin."""
    from pipekit.facts import actions

    known = actions.load_pins()
    for name in design.pins:
        if name not in known:
            raise DesignError(f"pins.{name}", f"pipekit uses no action {name!r}{did_you_mean(name, known)}")


@rule
def estimates_name_real_jobs(design: Design) -> None:
    """Every estimate names a workflow and job pipekit generates (a typo would silently be ignored)."""
    jobs = files.job_ids()
    for workflow, minutes in design.estimates.minutes.items():
        if workflow not in jobs:
            raise DesignError(
                f"estimates.minutes.{workflow}",
                f"unknown workflow{did_you_mean(workflow, jobs)} (workflows: {', '.join(jobs)})",
            )
        for job in minutes:
            if job not in jobs[workflow]:
                raise DesignError(
                    f"estimates.minutes.{workflow}.{job}",
                    f"unknown job{did_you_mean(job, jobs[workflow])} "
                    f"(jobs of {workflow}: {', '.join(jobs[workflow])})",
                )
    for index, override in enumerate(design.estimates.overrides):
        if override.workflow not in jobs:
            raise DesignError(
                f"estimates.overrides[{index}].workflow",
                f"unknown workflow {override.workflow!r}{did_you_mean(override.workflow, jobs)}",
            )
        if override.job not in jobs[override.workflow]:
            raise DesignError(
                f"estimates.overrides[{index}].job",
                f"unknown job {override.job!r}{did_you_mean(override.job, jobs[override.workflow])}",
            )


@rule
def override_matches_name_matrix_keys(design: Design) -> None:
    """An override matches legs of the test matrix by their matrix values; other jobs have one leg and
    take an empty match. Axis values are strings, as on the axes."""
    leg_keys: set[str] = {key for leg in test_legs(design) for key in leg.matrix}
    for index, override in enumerate(design.estimates.overrides):
        where = f"estimates.overrides[{index}].match"
        for key, value in override.match.items():
            if (override.workflow, override.job) != ("test", "test"):
                raise DesignError(
                    f"{where}.{key}", f"{override.workflow}/{override.job} has no matrix; leave match empty"
                )
            if key not in leg_keys:
                raise DesignError(
                    f"{where}.{key}",
                    f"no leg of the test matrix has the key {key!r}{did_you_mean(key, leg_keys)}",
                )
            if key in AXES:
                _check_axis_value(design, key, value, f"{where}.{key}")


@rule
def estimates_fit_the_job_limit(design: Design) -> None:
    """No job instance on a GitHub-hosted runner is estimated past the hosted-job time limit: GitHub
    cancels it there."""
    from pipekit.cost.estimates import estimate_minutes  # pure functions of a converted design
    from pipekit.pipeline.graph import expand_job, pipeline_jobs

    catalog = load_catalog()
    for job in pipeline_jobs(design):
        for leg in expand_job(job):
            runner = catalog.runner(leg.runner, design.runners)
            triggers: Iterable[Trigger] = job.triggers or ("push",)  # uncounted jobs: as on a push
            minutes = max(
                estimate_minutes(design, job, leg.matrix, runner.os, trigger=trigger, arch=runner.arch)
                for trigger in triggers
            )
            if not runner.self_hosted and minutes > catalog.max_job_minutes:
                raise DesignError(
                    f"estimates.minutes.{job.workflow}.{job.id}",
                    f"{leg.name} in {job.file} is estimated at {minutes:g} minutes, over the "
                    f"{catalog.max_job_minutes}-minute limit for jobs on GitHub-hosted runners; "
                    "split the job, lower the estimate or its factors, or run it on a self-hosted runner",
                )
