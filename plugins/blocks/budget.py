"""The personal budget's sums: allocated, planned and spent by stream and by outcome
(issue #5), and its picture."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from plugins.blocks.drawing import day, money, refs_label, render_template
from plugins.blocks.fields import STREAMS
from plugins.blocks.models import Budget


@dataclass
class StreamTotal:
    stream: str
    allocated: Decimal
    planned: Decimal
    spent: Decimal
    managed: list[str]

    @property
    def left(self) -> Decimal:
        return self.allocated - self.spent


@dataclass
class OutcomeTotal:
    label: str
    planned: Decimal
    spent: Decimal


@dataclass
class BudgetSummary:
    streams: list[StreamTotal]
    outcomes: list[OutcomeTotal]
    allocated: Decimal
    planned: Decimal
    spent: Decimal
    banked: Decimal
    warnings: list[str]

    @property
    def left(self) -> Decimal:
        return self.allocated - self.spent


def _outcome_key(refs: list[str], running: bool) -> str:
    if running:
        return "Running the budget"
    if not refs:
        return "Not linked to an outcome"
    return ("Outcome " if len(refs) == 1 else "Outcomes ") + refs_label(refs)


def summarise(model: Budget) -> BudgetSummary:
    """Totals by stream and by outcome, and plain warnings, from one budget block."""
    zero = Decimal(0)
    allocated: dict[str, Decimal] = defaultdict(lambda: zero)
    managed: dict[str, list[str]] = defaultdict(list)
    for a in model.allocations:
        allocated[a.stream] += a.amount
        if a.managed not in managed[a.stream]:
            managed[a.stream].append(a.managed)
    planned: dict[str, Decimal] = defaultdict(lambda: zero)
    spent: dict[str, Decimal] = defaultdict(lambda: zero)
    by_outcome: dict[str, list[Decimal]] = {}
    for line in model.planned:
        planned[line.stream] += line.amount
        by_outcome.setdefault(_outcome_key(line.outcomes, line.running_cost), [zero, zero])[0] += (
            line.amount
        )
    for pay in model.payments:
        spent[pay.stream] += pay.amount
        by_outcome.setdefault(_outcome_key(pay.outcomes, pay.running_cost), [zero, zero])[1] += (
            pay.amount
        )
    streams = [
        StreamTotal(s, allocated[s], planned[s], spent[s], managed[s])
        for s in STREAMS
        if allocated[s] or planned[s] or spent[s]
    ]
    warnings = []
    loose_plan = [p for p in model.planned if not p.outcomes and not p.running_cost]
    if loose_plan:
        total = sum((p.amount for p in loose_plan), zero)
        names = "; ".join(p.what for p in loose_plan)
        warnings.append(f"{money(total)} of planned spending is not linked to any outcome: {names}. "
                        "Say which outcome it is for, or mark it as running the budget.")  # fmt: skip
    loose_paid = [p for p in model.payments if not p.outcomes and not p.running_cost]
    if loose_paid:
        total = sum((p.amount for p in loose_paid), zero)
        names = "; ".join(f"{p.what} ({day(p.date)})" for p in loose_paid)
        warnings.append(f"{money(total)} of payments are not linked to any outcome: {names}.")
    for s in streams:
        if s.planned > s.allocated:
            warnings.append(f"The plan spends {money(s.planned)} from {s.stream}, which is {money(s.planned - s.allocated)} "
                            f"more than its allocation of {money(s.allocated)}.")  # fmt: skip
        if s.spent > s.allocated:
            warnings.append(f"{money(s.spent)} has been paid from {s.stream}, which is {money(s.spent - s.allocated)} "
                            f"more than its allocation of {money(s.allocated)}.")  # fmt: skip
    order = sorted(
        by_outcome,
        key=lambda k: (k.startswith(("Running", "Not linked")), k.startswith("Not linked"), k),
    )
    return BudgetSummary(
        streams=streams,
        outcomes=[OutcomeTotal(k, *by_outcome[k]) for k in order],
        allocated=sum(allocated.values(), zero),
        planned=sum(planned.values(), zero),
        spent=sum(spent.values(), zero),
        banked=sum((b.amount for b in model.banked), zero),
        warnings=warnings,
    )


def bar_width(value: Decimal, biggest: Decimal) -> str:
    if biggest <= 0:
        return "0"
    return f"{max(0.0, min(100.0, float(value / biggest * 100))):.1f}"


def render_budget(model: Budget) -> str:
    summary = summarise(model)
    biggest = max([Decimal(0), *[max(s.allocated, s.planned, s.spent) for s in summary.streams]])
    return render_template("budget.html", m=model, s=summary, biggest=biggest, width=bar_width)
