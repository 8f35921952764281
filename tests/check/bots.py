"""What Dependabot and Renovate do to a SHA-pinned ``uses:`` line, as their source does it, so tests can
make a bot's pull request without the bot.

- Dependabot: dependabot-core github_actions/lib/dependabot/github_actions/file_updater.rb replaces
  ``action@<old sha>`` with ``action@<new sha>`` and, in a comment that ends with the old version (its
  leading ``v`` dropped), that version with the new one: ``# v7.0.1`` becomes ``# v7.1.0``.
- Renovate: lib/modules/manager/github-actions/extract.ts replaces ``action@<old sha> # <old tag>`` by its
  autoReplaceStringTemplate ``action@<new digest> # <new tag>``; releases before its comment parser
  (parse.ts) wrote ``# tag=<new tag>``.
"""

from __future__ import annotations

import re

NEW_SHA = "0123456789abcdef0123456789abcdef01234567"  # a made-up commit of the new release


def dependabot(text: str, action: str, old_sha: str, new_sha: str, old: str, new: str) -> str:
    """`text` with `action` moved from `old_sha` (release `old`) to `new_sha` (release `new`)."""
    declaration = re.compile(
        rf"(?<=[^a-zA-Z_-]){re.escape(f'{action}@{old_sha}')}(?P<comment>\s+#.*)?(?=\s|$)"
    )

    def bump(match: re.Match[str]) -> str:
        comment = match["comment"] or ""
        previous, current = old.removeprefix("v"), new.removeprefix("v")
        comment = re.sub(rf"{re.escape(previous)}(\s*)$", rf"{current}\1", comment)
        return f"{action}@{new_sha}{comment}"

    return declaration.sub(bump, text)


def renovate(
    text: str, action: str, old_sha: str, new_sha: str, old: str, new: str, *, tag_prefix: bool = False
) -> str:
    """`text` with `action` moved as Renovate writes it (`tag_prefix`: its older ``# tag=`` form)."""
    replace = re.compile(rf"{re.escape(f'{action}@{old_sha}')}(?P<space>\s+)#\s*{re.escape(old)}")
    comment = f"tag={new}" if tag_prefix else new
    return replace.sub(lambda match: f"{action}@{new_sha}{match['space']}# {comment}", text)
