"""The validation report: one issue per problem, printable for people."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One problem: where it is (file, spreadsheet row, column) and which rule it breaks."""

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + "".join(f":{p}" for p in (self.row, self.column) if p not in (None, ""))
        return f"{where}: {self.message} [{self.rule}]"


@dataclass
class Report:
    """Outcome of :func:`kzdata.validate`: ``valid`` and the list of ``errors``."""

    errors: list[Issue] = field(default_factory=list)
    #: Which engine checked each resource's Table Schema: "fast", or "frictionless (why)".
    engines: dict[str, str] = field(default_factory=dict)
    #: Things the user should know that are not errors (e.g. kzdata's rules did not apply).
    notices: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def counts(self) -> Counter[str]:
        """Number of errors per rule."""
        return Counter(e.rule for e in self.errors)

    def lines(self, limit: int = 200) -> list[str]:
        """One line per error (at most ``limit``), then 'and N more', then a summary."""
        out = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            out.append(f"... and {len(self.errors) - limit} more")
        fast = [name for name, engine in self.engines.items() if engine == "fast"]
        delegated = [f"{name} ({engine.removeprefix('frictionless (').removesuffix(')')})"
                     for name, engine in self.engines.items() if engine != "fast"]
        if self.engines:
            out.append(f"checked by the fast engine: {', '.join(fast) or 'none'}; "
                       f"by frictionless: {', '.join(delegated) or 'none'}")
        out += [f"notice: {notice}" for notice in self.notices]
        if self.valid:
            out.append("valid: no errors")
        else:
            per_rule = ", ".join(f"{rule}: {n}" for rule, n in sorted(self.counts().items()))
            out.append(f"invalid: {len(self.errors)} errors ({per_rule})")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())
