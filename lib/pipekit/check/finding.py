"""One problem an outside authority found in a file, where it is, and which of its rules says so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Finding:
    """`line` and `column` are 1-based, None where the authority does not say; `rule` is its rule id
    (``schema``, ``workflow-parser``, a zizmor audit such as ``artipacked``, ``action-pin``...)."""

    file: str
    line: int | None
    column: int | None
    rule: str
    message: str

    def __str__(self) -> str:
        """``file:line:column: message [rule]``, the parts the authority gave, as compilers print them."""
        where = [self.file]
        if self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        return f"{':'.join(where)}: {self.message} [{self.rule}]"
