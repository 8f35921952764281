"""The job summary of a scanner's SARIF 2.1.0 report: findings counted by level and by rule, and the most
severe ones with their place in the code.

Where GitHub code scanning is not available (or the run's token cannot write to it) the SARIF file is kept
as an artifact, and this summary is what a person sees of it on the run's page, with the most severe
findings annotated (workflow commands). It only reports: the scan step's own exit status is the gate, and
this step runs even when the scan failed.

Environment: SARIF_FILE (the report), SCANNER (its name in the heading), REPORT_ONLY ("true" when the
design lets findings pass), GITHUB_STEP_SUMMARY (the job summary file).
"""

from __future__ import annotations

import html
import json
import os
from typing import Any

TOP = 10  # findings listed one by one
LEVELS = ("error", "warning", "note", "none")  # most severe first (SARIF 2.1.0, 3.27.10)


def cell(text: str) -> str:
    """`text` as one markdown table cell: one line, no HTML, no column break."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def rules_of(run: dict[str, Any]) -> list[dict[str, Any]]:
    driver = run.get("tool", {}).get("driver", {})
    rules = driver.get("rules", [])
    return [rule for rule in rules if isinstance(rule, dict)] if isinstance(rules, list) else []


def rule_of(result: dict[str, Any], rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The reporting rule's descriptor: by ruleIndex, else by ruleId; {} when the run has none."""
    index = result.get("ruleIndex", result.get("rule", {}).get("index"))
    if isinstance(index, int) and 0 <= index < len(rules):
        return rules[index]
    rule_id = rule_id_of(result)
    return next((rule for rule in rules if rule.get("id") == rule_id), {})


def rule_id_of(result: dict[str, Any]) -> str:
    rule_id = result.get("ruleId", result.get("rule", {}).get("id"))
    return str(rule_id) if rule_id is not None else "(no rule)"


def level_of(result: dict[str, Any], rule: dict[str, Any]) -> str:
    """SARIF's level rules (3.27.10): the result's own level; 'none' for a kind other than 'fail'; else
    the rule's default level; else 'warning'."""
    level = result.get("level")
    if level in LEVELS:
        return str(level)
    kind = result.get("kind", "fail")
    if kind != "fail":
        return "none"
    default = rule.get("defaultConfiguration", {}).get("level")
    return str(default) if default in LEVELS else "warning"


def place_of(result: dict[str, Any]) -> str:
    """``file:line`` of the first location, as the report names it."""
    for location in result.get("locations", []):
        physical = location.get("physicalLocation", {}) if isinstance(location, dict) else {}
        uri = physical.get("artifactLocation", {}).get("uri")
        if uri:
            line = physical.get("region", {}).get("startLine")
            return f"{uri}:{line}" if line else str(uri)
    return ""


def message_of(result: dict[str, Any], rule: dict[str, Any]) -> str:
    text = result.get("message", {}).get("text")
    if text:
        return str(text)
    return str(rule.get("shortDescription", {}).get("text", ""))


def rule_label(rule_id: str, rule: dict[str, Any]) -> str:
    """The rule id with its name when the report gives one (Bandit: ``B602 subprocess_popen_...``)."""
    name = rule.get("name")
    return f"{rule_id} {name}" if name and name != rule_id else rule_id


def findings(report: dict[str, Any]) -> list[dict[str, str]]:
    """Every result of every run: level, rule, place and message."""
    found = []
    for run in report.get("runs", []):
        if not isinstance(run, dict):
            continue
        rules = rules_of(run)
        for result in run.get("results", []) or []:
            if not isinstance(result, dict):
                continue
            rule = rule_of(result, rules)
            rule_id = rule_id_of(result)
            found.append(
                {
                    "level": level_of(result, rule),
                    "rule": rule_label(rule_id, rule),
                    "place": place_of(result),
                    "message": message_of(result, rule),
                }
            )
    return found


def most_severe_first(found: list[dict[str, str]]) -> list[dict[str, str]]:
    """Findings by level (error first), then by place."""
    return sorted(found, key=lambda finding: (LEVELS.index(finding["level"]), finding["place"]))


def counted(values: list[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def summary(report: dict[str, Any] | None, scanner: str, report_only: bool) -> str:
    """The summary for a parsed report; None stands for a missing or unreadable one."""
    lines = [f"## {scanner}", ""]
    if report_only:
        lines += [
            "**Report only:** findings do not fail this job (the design sets `fail_on_findings: false`).",
            "",
        ]
    if report is None:
        return "\n".join([*lines, "The scan wrote no SARIF report; see the job log.", ""])
    found = findings(report)
    if not found:
        return "\n".join([*lines, "No findings.", ""])
    by_level = {level: count for level, count in counted([finding["level"] for finding in found])}
    levels = ", ".join(f"{by_level[level]} {level}" for level in LEVELS if level in by_level)
    noun = "finding" if len(found) == 1 else "findings"
    lines += [f"**{len(found)} {noun}** ({levels}).", ""]
    lines += ["| rule | level | findings |", "|---|---|---|"]
    by_rule: dict[str, str] = {}
    for finding in found:
        current = by_rule.get(finding["rule"])
        if current is None or LEVELS.index(finding["level"]) < LEVELS.index(current):
            by_rule[finding["rule"]] = finding["level"]
    for rule, count in counted([finding["rule"] for finding in found]):
        lines.append(f"| {cell(rule)} | {by_rule[rule]} | {count} |")
    ordered = most_severe_first(found)
    shown = ordered[:TOP]
    heading = "Findings" if len(shown) == len(found) else f"The {len(shown)} most severe of {len(found)}"
    lines += ["", f"{heading}:", "", "| level | rule | where | message |", "|---|---|---|---|"]
    for finding in shown:
        row = [finding["level"], finding["rule"], finding["place"], finding["message"]]
        lines.append("| " + " | ".join(cell(value) for value in row) + " |")
    return "\n".join(lines) + "\n"


COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}  # SARIF level -> workflow command


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as file=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def annotation_commands(report: dict[str, Any] | None, scanner: str, report_only: bool) -> list[str]:
    """Workflow commands that annotate the most severe findings (at most TOP) on the run's page, where
    code scanning does not show them: ``::error file=app/a.py,line=3,title=Bandit B324 hashlib::...``.
    Report-only findings annotate as warnings: they do not fail the job."""
    found = [finding for finding in findings(report or {}) if finding["level"] in COMMANDS]
    ordered = most_severe_first(found)
    lines = []
    for finding in ordered[:TOP]:
        uri, _, line = finding["place"].rpartition(":")
        if not line.isdigit():
            uri, line = finding["place"], ""
        properties = [f"file={command_text(uri, prop=True)}"] if uri else []
        properties += [f"line={line}"] if line else []
        properties.append(f"title={command_text(scanner + ' ' + finding['rule'], prop=True)}")
        command = "warning" if report_only and finding["level"] == "error" else COMMANDS[finding["level"]]
        lines.append(
            f"::{command} {','.join(properties)}::{command_text(' '.join(finding['message'].split()))}"
        )
    return lines


def load(path: str) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as source:
            report = json.load(source)
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def main() -> int:
    report = load(os.environ["SARIF_FILE"])
    text = summary(report, os.environ["SCANNER"], os.environ.get("REPORT_ONLY") == "true")
    for line in annotation_commands(report, os.environ["SCANNER"], os.environ.get("REPORT_ONLY") == "true"):
        print(line)
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
        out.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
