"""expressions: workflow expressions evaluated by GitHub's own evaluator (@actions/expressions) under Node.

Each test names the rule it pins and where the rule is written: GitHub's docs page "Evaluate expressions in
workflows and actions" (docs.github.com/actions/reference/workflows-and-actions/expressions, "the
expressions docs" below) or a file of the runner's source (github.com/actions/runner at commit 258d6c857).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipekit.errors import PipekitError
from pipekit.node_tools import TOOLS_DIR
from pipekit.rehearse import expressions
from pipekit.rehearse.expressions import Evaluator, ExpressionError

CONTEXTS: dict[str, Any] = {
    "github": {
        "ref": "refs/heads/main",
        "event_name": "push",
        "event": {"issue": {"labels": [{"name": "bug"}, {"name": "ci"}]}},
    },
    "matrix": {"python": 3.10, "os": "ubuntu-latest"},
    "env": {"GREETING": "hello", "greeting": "lower"},
    "steps": {"build": {"outputs": {"version": "1.2"}, "outcome": "success"}},
}


@pytest.fixture(scope="module")
def evaluator() -> Iterator[Evaluator]:
    """One Node process for the module, as a rehearsal keeps one for all its jobs."""
    with Evaluator() as shared:
        yield shared


def test_the_evaluator_is_installed_next_to_the_parser() -> None:
    """`make tools` installs @actions/expressions as a direct dependency of tools/workflow-parser, at the
    version the parser itself depends on."""
    assert (TOOLS_DIR / expressions.PACKAGE).is_file(), (
        "GitHub's expression evaluator is not installed: make tools"
    )
    assert (TOOLS_DIR / expressions.SCRIPT).is_file()
    manifest = json.loads((TOOLS_DIR / "package.json").read_text(encoding="utf-8"))
    parser = json.loads(
        (TOOLS_DIR / "node_modules" / "@actions" / "workflow-parser" / "package.json").read_text(
            encoding="utf-8"
        )
    )
    assert manifest["dependencies"]["@actions/expressions"] == parser["version"]


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("null", None),
        ("false", False),
        ("711", 711),
        ("-9.2", -9.2),
        ("0xff", 255),
        ("-2.99e-2", -0.0299),
        ("'It''s open source!'", "It's open source!"),
    ],
)
def test_literals(evaluator: Evaluator, expression: str, value: Any) -> None:
    """Literals: null, booleans, any JSON number plus hex, strings in single quotes with '' for a quote
    (the expressions docs, "Literals", whose example values these are)."""
    assert evaluator.evaluate(expression, {}) == value


def test_context_names_and_keys_ignore_case(evaluator: Evaluator) -> None:
    """Contexts and their keys are case-insensitive dictionaries (DictionaryContextData in the runner; the
    library's data.Dictionary), so `GitHub.REF` reads github.ref."""
    assert evaluator.evaluate("GitHub.REF", CONTEXTS) == "refs/heads/main"
    assert evaluator.evaluate("MATRIX.OS", CONTEXTS) == "ubuntu-latest"
    assert evaluator.evaluate("github['Event_Name']", CONTEXTS) == "push"


def test_env_keys_keep_their_case_as_on_linux(evaluator: Evaluator) -> None:
    """On Linux and macOS the runner's env context is a CaseSensitiveDictionaryContextData
    (src/Runner.Worker/StepsRunner.cs and ExecutionContext.cs, `#if OS_WINDOWS` otherwise): the context's
    name ignores case, its keys do not."""
    assert evaluator.evaluate("ENV.GREETING", CONTEXTS) == "hello"
    assert evaluator.evaluate("env.greeting", CONTEXTS) == "lower"
    assert evaluator.evaluate("env.Greeting", CONTEXTS) is None


def test_a_context_not_given_reads_as_null(evaluator: Evaluator) -> None:
    """The runner adds every job context the caller leaves out as null (WorkflowTemplateEvaluator.cs
    CreateContext), and a missing property is null, not an error (the expressions docs, "Operators")."""
    assert evaluator.evaluate("needs.build.outputs.version", {}) is None
    assert evaluator.evaluate("steps.nope.outputs.x", CONTEXTS) is None


def test_format(evaluator: Evaluator) -> None:
    """format replaces {N} with the Nth argument's text and writes {{ and }} as braces (the expressions docs,
    "format", whose examples these are)."""
    assert evaluator.evaluate("format('Hello {0} {1} {2}', 'Mona', 'the', 'Octocat')", {}) == (
        "Hello Mona the Octocat"
    )
    assert evaluator.evaluate("format('{{Hello {0} {1} {2}!}}', 'Mona', 'the', 'Octocat')", {}) == (
        "{Hello Mona the Octocat!}"
    )


def test_contains_starts_with_and_join(evaluator: Evaluator) -> None:
    """contains (substring or array element), startsWith and endsWith ignore case; join writes each element's
    text with `,` or the given separator (the expressions docs, "Functions")."""
    assert evaluator.evaluate("contains('Hello world', 'LLO')", {}) is True
    assert evaluator.evaluate('contains(fromJSON(\'["push", "pull_request"]\'), github.event_name)', CONTEXTS)
    assert evaluator.evaluate("contains(github.event.issue.labels.*.name, 'bug')", CONTEXTS) is True
    assert evaluator.evaluate("startsWith('Hello world', 'he')", {}) is True
    assert evaluator.evaluate("endsWith('Hello world', 'WORLD')", {}) is True
    assert evaluator.evaluate("join(github.event.issue.labels.*.name, ', ')", CONTEXTS) == "bug, ci"
    assert evaluator.evaluate("join(fromJSON('[1, true, null, 3.10]'))", {}) == "1,true,,3.1"


def test_to_json_and_from_json(evaluator: Evaluator) -> None:
    """toJSON pretty-prints with two spaces; fromJSON turns text into data (the expressions docs, "toJSON",
    "fromJSON")."""
    assert evaluator.evaluate("toJSON(matrix)", CONTEXTS) == '{\n  "python": 3.1,\n  "os": "ubuntu-latest"\n}'
    assert evaluator.evaluate("fromJSON('{\"a\": [1, true, null]}')", {}) == {"a": [1, True, None]}
    assert evaluator.evaluate("fromJSON(steps.build.outputs.version) > 1.1", CONTEXTS) is True


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("'1' == 1", True),  # a string is coerced to a number when the types differ
        ("'' == 0", True),  # the empty string is 0
        ("null == 0", True),  # null is 0
        ("true == 1", True),  # true is 1
        ("'abc' == 'ABC'", True),  # strings compare ignoring case
        ("'a' < 'B'", True),  # ... for ordering too
        ("'abc' > 1 || 'abc' < 1", False),  # 'abc' is NaN, and every comparison with NaN is false
        ("fromJSON('{}') == fromJSON('{}')", False),  # objects are equal only when they are the same one
        ("github == github", True),
    ],
)
def test_comparisons_coerce_as_github_does(evaluator: Evaluator, expression: str, value: bool) -> None:
    """Loose equality: mismatched types become numbers (null 0, booleans 1/0, strings parsed, else NaN);
    strings compare ignoring case; objects and arrays by identity (the expressions docs, "Operators";
    src/Sdk/Expressions/EvaluationResult.cs)."""
    assert evaluator.evaluate(expression, CONTEXTS) is value


def test_and_or_return_an_operand(evaluator: Evaluator) -> None:
    """&& and || give the operand that decided, not a boolean, which is how workflows write a ternary (the
    expressions docs, "Operators": `github.ref == 'refs/heads/main' && 'value_for_main_branch' || ...`)."""
    ternary = "github.ref == 'refs/heads/main' && 'production' || 'staging'"
    assert evaluator.evaluate(ternary, CONTEXTS) == "production"
    assert evaluator.evaluate(ternary, {"github": {"ref": "refs/heads/dev"}}) == "staging"
    assert evaluator.evaluate("'' || 'default'", {}) == "default"
    assert evaluator.evaluate("0 && 'never'", {}) == 0


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("success", {"success()": True, "failure()": False, "cancelled()": False, "always()": True}),
        ("failure", {"success()": False, "failure()": True, "cancelled()": False, "always()": True}),
        ("cancelled", {"success()": False, "failure()": False, "cancelled()": True, "always()": True}),
    ],
)
def test_status_functions(evaluator: Evaluator, status: str, expected: dict[str, bool]) -> None:
    """success(), failure() and cancelled() each compare the job's status with their own name, so a
    cancelled job is neither a success nor a failure; always() is true (src/Runner.Worker/Expressions/
    {Success,Failure,Cancelled,Always}Function.cs)."""
    for call, value in expected.items():
        assert evaluator.evaluate(call, {}, status=status) is value, (status, call)


def test_a_condition_without_a_status_function_means_success_and_it(evaluator: Evaluator) -> None:
    """An `if:` that calls no status function is `success() && (<if>)`, so it is false once the job has
    failed; an empty one is success() (WorkflowTemplateConverter.cs ConvertToIfCondition)."""
    assert evaluator.condition("github.ref == 'refs/heads/main'", CONTEXTS) is True
    assert evaluator.condition("github.ref == 'refs/heads/main'", CONTEXTS, status="failure") is False
    assert evaluator.condition("true", {}, status="cancelled") is False
    assert evaluator.condition("", {}) is True
    assert evaluator.condition("", {}, status="failure") is False


def test_a_status_function_anywhere_turns_the_wrapping_off(evaluator: Evaluator) -> None:
    """ConvertToIfCondition looks for a status function call anywhere in the parsed expression: `always() &&
    x` runs after a failure whenever x holds, `failure()` runs only then; a status function's name inside a
    string is no call, so that condition is still wrapped (WorkflowTemplateConverter.cs)."""
    assert evaluator.condition("always() && matrix.os == 'ubuntu-latest'", CONTEXTS, status="failure") is True
    assert evaluator.condition("always() && false", {}, status="failure") is False
    assert evaluator.condition("${{ failure() }}", {}, status="failure") is True
    assert evaluator.condition("${{ failure() }}", {}, status="success") is False
    assert evaluator.condition("!cancelled() && true", {}, status="failure") is True
    assert evaluator.condition("'failure()' != ''", {}, status="failure") is False


def test_a_condition_is_coerced_to_a_boolean(evaluator: Evaluator) -> None:
    """Falsy values (false, 0, -0, '', null) are false and everything else true (the expressions docs,
    "Literals"); an `if:` may be written with or without ${{ }} (the workflow schema's step-if)."""
    assert evaluator.condition("steps.build.outputs.version", CONTEXTS) is True
    assert evaluator.condition("${{ steps.build.outputs.missing }}", CONTEXTS) is False
    assert evaluator.condition("${{ 0 }}", {}) is False
    assert evaluator.condition("${{ -0 }}", {}) is False
    assert evaluator.condition("fromJSON('[]')", {}) is True


def test_text_around_an_if_expression_makes_it_a_string(evaluator: Evaluator) -> None:
    """With text around its ${{ }}, an `if:` is a template, so format('{0} && false', false): a non-empty
    string, true whatever the expression gives (TemplateReader.cs ParseScalar, then ConvertToIfCondition);
    a status function inside still turns the wrapping off."""
    assert evaluator.condition("${{ false }} && false", {}) is True
    assert evaluator.condition("${{ false }} && false", {}, status="failure") is False
    assert evaluator.condition("${{ always() }} x", {}, status="failure") is True


def test_a_single_expression_keeps_its_type(evaluator: Evaluator) -> None:
    """A value that is exactly one ${{ }} is that expression's value, of any type (TemplateReader.cs
    ParseScalar: one segment is the expression itself)."""
    assert evaluator.template("${{ matrix.python }}", CONTEXTS) == 3.1
    assert evaluator.template("${{ matrix }}", CONTEXTS) == {"python": 3.1, "os": "ubuntu-latest"}
    assert evaluator.template("${{ github.event.issue.labels.*.name }}", CONTEXTS) == ["bug", "ci"]
    assert evaluator.template("${{ true }}", {}) is True
    assert evaluator.template("${{ null }}", {}) is None


def test_embedded_expressions_are_written_as_text(evaluator: Evaluator) -> None:
    """Text around expressions makes a string with each expression's text, as format() writes it: numbers
    with at most 15 decimals and no trailing zeros (3.10 as 3.1), booleans true/false, null as nothing,
    arrays and objects by their kind (TemplateReader.cs ParseScalar builds format(); the library's
    coerceString)."""
    assert evaluator.template("py${{ matrix.python }}-${{ true }}-${{ null }}!", CONTEXTS) == "py3.1-true-!"
    assert evaluator.template("${{ matrix }} ${{ fromJSON('[1]') }}", CONTEXTS) == "Object Array"
    assert evaluator.template("${{ 1 }}${{ 2 }}", {}) == "12"


def test_whitespace_around_an_expression_makes_a_string(evaluator: Evaluator) -> None:
    """Only a value that is nothing but the expression keeps its type: a block scalar's final line break is
    text too (TemplateReader.cs ParseScalar)."""
    assert evaluator.template("${{ 3 }}\n", {}) == "3\n"
    assert evaluator.template(" ${{ true }}", {}) == " true"


def test_text_without_an_expression_is_returned_as_it_is(evaluator: Evaluator) -> None:
    """Only ${{ starts an expression; a lone }} is text (TemplateReader.cs ParseScalar)."""
    assert evaluator.template("echo }} {{ x }}", {}) == "echo }} {{ x }}"


def test_an_expression_ends_at_the_first_braces_outside_quotes(evaluator: Evaluator) -> None:
    """`}}` inside a quoted string does not close the expression (TemplateReader.cs ParseScalar)."""
    assert evaluator.template("${{ '}}' }}", {}) == "}}"
    assert evaluator.template("a ${{ 'it''s }}' }} b", {}) == "a it's }} b"


def test_expressions_in_text_are_checked_one_by_one(evaluator: Evaluator) -> None:
    """GitHub checks each expression of a template on its own before it builds the format() call, so a
    comma cannot smuggle in a second argument (TemplateReader.cs ParseExpression)."""
    with pytest.raises(ExpressionError, match="Unexpected symbol"):
        evaluator.template("x ${{ 'a', 'b' }}", {})
    with pytest.raises(ExpressionError, match="Unexpected symbol"):
        evaluator.condition("x ${{ 'a', 'b' }}", {})


def test_a_syntax_error_is_one_line_naming_the_expression(evaluator: Evaluator) -> None:
    """A malformed expression fails the step on GitHub; here it is an ExpressionError whose one-line message
    quotes the expression."""
    with pytest.raises(ExpressionError) as raised:
        evaluator.template("run:\n${{ 1 + }}", {})
    message = str(raised.value)
    assert "\n" not in message
    assert "${{ 1 + }}" in message
    assert "Unexpected symbol" in message
    with pytest.raises(ExpressionError, match=r"^\$\{\{ github\.ref == \}\}: Unexpected end of expression"):
        evaluator.evaluate("github.ref ==", CONTEXTS)


def test_evaluation_errors_and_unknown_names(evaluator: Evaluator) -> None:
    """An unknown context or function, an unclosed ${{ and a bad format() are errors, as on GitHub."""
    with pytest.raises(ExpressionError, match="Unrecognized named-value: 'secret'"):
        evaluator.evaluate("secret.token", {})
    with pytest.raises(ExpressionError, match="Unrecognized function: 'nope'"):
        evaluator.evaluate("nope()", {})
    with pytest.raises(ExpressionError, match="is not closed"):
        evaluator.template("${{ github.ref", CONTEXTS)
    with pytest.raises(ExpressionError, match="format string is invalid"):
        evaluator.evaluate("format('{0', 1)", {})
    with pytest.raises(ExpressionError, match="An expression was expected"):
        evaluator.template("${{ }}", {})
    # the evaluator goes on answering after an error
    assert evaluator.evaluate("1", {}) == 1


def _tree_order(folder: Path) -> list[Path]:
    """The files below `folder` in @actions/glob's order: depth first, each folder's entries sorted by their
    bytes, as Node's readdir gives them (DefaultGlobber.globGenerator in the runner's
    src/Misc/layoutbin/hashFiles/index.js)."""
    files: list[Path] = []
    for name in sorted(os.listdir(folder), key=os.fsencode):
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            files.extend(_tree_order(path))
        else:
            files.append(path)
    return files


def _runner_hash(files: list[Path]) -> str:
    """hashFiles.ts: each file's SHA-256 digest fed to one SHA-256, hex; the empty string for no file."""
    if not files:
        return ""
    outer = hashlib.sha256()
    for file in files:
        outer.update(hashlib.sha256(file.read_bytes()).digest())
    return outer.hexdigest()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    files = {
        "a/x.txt": b"in a\n",
        "a-b/y.txt": b"in a-b\n",
        "a.txt": b"top\n",
        ".hidden.txt": b"dot files match\n",
        "skip/z.txt": b"left out\n",
        "skip/keep.py": b"print()\n",
        "bin.dat": bytes(range(256)),
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def test_hash_files_hashes_in_the_globbers_order(evaluator: Evaluator, workspace: Path) -> None:
    """hashFiles: the files the patterns match under the workspace, each file's SHA-256 fed to one SHA-256
    in the order @actions/glob walks them, depth first with each folder sorted: a/x.txt before a-b/y.txt,
    which sorting whole paths would swap (src/Misc/expressionFunc/hashFiles/src/hashFiles.ts; the expressions
    docs, "hashFiles"). Dot files match (the globber's minimatch runs with dot: true)."""
    order = [path for path in _tree_order(workspace) if path.suffix == ".txt"]
    names = [path.relative_to(workspace).as_posix() for path in order]
    assert names == [".hidden.txt", "a/x.txt", "a-b/y.txt", "a.txt", "skip/z.txt"]
    assert names != sorted(names)
    expected = _runner_hash(order)
    assert evaluator.evaluate("hashFiles('**/*.txt')", {}, workspace=workspace) == expected
    # the workspace may come from github.workspace, where the runner takes it from
    assert evaluator.evaluate("hashFiles('**/*.txt')", {"github": {"workspace": str(workspace)}}) == expected


def test_hash_files_patterns_negation_and_several_arguments(evaluator: Evaluator, workspace: Path) -> None:
    """Patterns are read in order: `!` takes away what earlier ones matched; a folder pattern matches all
    below it (implicitDescendants); several arguments are several patterns (hashFiles.ts, @actions/glob;
    the expressions docs: hashFiles('**/package-lock.json', '**/Gemfile.lock'))."""
    files = _tree_order(workspace)
    without_skip = [p for p in files if p.suffix == ".txt" and p.parent.name != "skip"]
    assert evaluator.evaluate("hashFiles('**/*.txt', '!skip')", {}, workspace=workspace) == _runner_hash(
        without_skip
    )
    skip = [p for p in files if p.parent.name == "skip"]
    assert evaluator.evaluate("hashFiles('skip')", {}, workspace=workspace) == _runner_hash(skip)
    both = [workspace / "bin.dat", workspace / "a.txt"]  # in argument order: one search path each
    assert evaluator.evaluate("hashFiles('bin.dat', 'a.txt')", {}, workspace=workspace) == _runner_hash(both)


def test_hash_files_is_empty_without_a_match(evaluator: Evaluator, workspace: Path, tmp_path: Path) -> None:
    """No matching file gives the empty string, and so does a file outside the workspace, which
    hashFiles.ts ignores."""
    assert evaluator.evaluate("hashFiles('**/*.lock')", {}, workspace=workspace) == ""
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not in the workspace\n")
    assert evaluator.evaluate(f"hashFiles('{outside}')", {}, workspace=workspace) == ""
    assert evaluator.template("key-${{ hashFiles('none') }}", {}, workspace=workspace) == "key-"


def test_hash_files_follows_links_only_when_asked(evaluator: Evaluator, workspace: Path) -> None:
    """A linked folder is walked only after a first argument --follow-symbolic-links
    (HashFilesFunction.cs); any other first argument starting with -- is an error."""
    (workspace / "linked").symlink_to(workspace / "a", target_is_directory=True)
    plain = [p for p in _tree_order(workspace) if p.suffix == ".txt"]
    assert evaluator.evaluate("hashFiles('**/*.txt')", {}, workspace=workspace) == _runner_hash(plain)
    followed = [*plain[:4], workspace / "linked" / "x.txt", *plain[4:]]  # linked/ sorts after a.txt
    assert [p.name for p in followed] == [".hidden.txt", "x.txt", "y.txt", "a.txt", "x.txt", "z.txt"]
    assert evaluator.evaluate(
        "hashFiles('--follow-symbolic-links', '**/*.txt')", {}, workspace=workspace
    ) == _runner_hash(followed)
    with pytest.raises(ExpressionError, match="Invalid glob option --nope"):
        evaluator.evaluate("hashFiles('--nope', '**')", {}, workspace=workspace)


def test_hash_files_refuses_relative_segments(evaluator: Evaluator, workspace: Path) -> None:
    """@actions/glob refuses `..` in a pattern, so the runner's hashFiles fails (Pattern.fixupPattern)."""
    with pytest.raises(ExpressionError, match=r"Relative pathing '\.' and '\.\.' is not allowed"):
        evaluator.evaluate("hashFiles('../x')", {}, workspace=workspace)


def test_without_the_package_it_says_how_to_install_it(tmp_path: Path) -> None:
    with (
        Evaluator(tool_dir=tmp_path) as missing,
        pytest.raises(PipekitError, match=r"not installed in .*; run `make tools`") as raised,
    ):
        missing.evaluate("1", {})
    assert "\n" not in str(raised.value)


def test_without_node_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with (
        Evaluator() as no_node,
        pytest.raises(PipekitError, match=r"^node is not on PATH; install Node\.js"),
    ):
        no_node.evaluate("1", {})


def test_the_process_starts_on_first_use_and_stops_on_exit() -> None:
    """Nothing runs until the first call; leaving the with block ends the Node process."""
    with Evaluator() as scoped:
        assert scoped.pid is None
        assert scoped.evaluate("1", {}) == 1
        pid = scoped.pid
        assert pid is not None
        os.kill(pid, 0)  # running
    assert scoped.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_forgotten_evaluator_stops_its_process_when_collected() -> None:
    """An Evaluator that is never closed still ends its process once it is garbage-collected."""
    forgotten = Evaluator()
    forgotten.evaluate("1", {})
    pid = forgotten.pid
    assert pid is not None
    del forgotten
    gc.collect()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_dead_process_is_an_error_and_the_next_call_starts_another() -> None:
    with Evaluator() as fragile:
        fragile.evaluate("1", {})
        pid = fragile.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(PipekitError, match=r"GitHub's expression evaluator .* stopped"):
            fragile.evaluate("1", {})
        assert fragile.evaluate("2", {}) == 2
        assert fragile.pid not in (None, pid)
