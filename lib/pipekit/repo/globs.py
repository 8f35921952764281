"""Path globs as the generated header check reads them (render/scripts/license_headers.py, whose brace
expansion this uses): ``**`` for any depth and ``{a,b}`` alternatives as bash expands them; hidden files
match only when named. Only the repository's own files count (`Tree.files`), as a fresh checkout has."""

from __future__ import annotations

import glob
import posixpath

from pipekit.render.scripts import license_headers
from pipekit.repo.tree import Tree


def matching_files(tree: Tree, pattern: str) -> list[str]:
    """The repository's files that `pattern` matches, relative to its root."""
    known = set(tree.files)
    found = {
        posixpath.normpath(path.replace("\\", "/"))
        for alternative in license_headers.expand(pattern)
        for path in glob.glob(alternative, root_dir=tree.root, recursive=True)
    }
    return sorted(found & known)
