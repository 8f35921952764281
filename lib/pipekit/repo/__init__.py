"""Reading a repository for `pipekit init` and `pipekit check --repo`, one concern per module:

- `tree`: the repository's files; `pyproject`: pyproject.toml, read once;
- `manager`: the package manager, its lock file, requirements files;
- `python` (with `constraints`): the Python versions the project supports;
- `layout`: source and tests folders; `dependencies`: extras and dependency groups; `modes`: test modes;
- `benchmarks`, `docker`, `header` (with `globs`), `git` (the default branch), `workflows` (existing ones);
- `proposal`: the design they add up to, each value with its source (`found`); `design_file`: its text;
  `summary`: what `pipekit init` prints.
"""
