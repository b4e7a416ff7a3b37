"""Stock movements: a part used on a host, or parts received at a depot.

A movement is checked against the estate first (known part, depot and host, a positive
quantity, a reason; enough stock to use), then applied to ``inventory/spares.yaml`` as a
round-trip edit that changes only the one ``quantity`` of that part at that depot: comments,
order and formatting stay byte for byte. Receiving a part a depot has no line for yet appends
one line after the last stock entry. Pure functions; the run around them is in ``runs.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Exit, PatrolError
from ..upgrade.inventory_edit import replace_scalar

STOCK_FILE = "inventory/spares.yaml"


@dataclass(frozen=True)
class Movement:
    action: str  # "use" | "receive"
    part: str
    depot: str
    change: int  # -N for use, +N for receive
    before: int
    after: int
    reason: str
    host: str | None = None

    def summary(self) -> str:
        """The commit's one-line summary."""
        where = f" on {self.host}" if self.host else ""
        reason = " ".join(self.reason.split())
        return (f"spares({self.action}): {self.part} at {self.depot}{where} "
                f"{self.before} → {self.after}: {reason}")


def _known(names: Any) -> str:
    return ", ".join(sorted(names)) or "none"


def movement(estate: Any, action: str, part: str, depot: str, *, quantity: int, reason: str,
             host: str | None = None, pending: int = 0) -> Movement:
    """The movement as asked, or one clear PatrolError (exit 2 for a bad request, 1 when the
    depot does not hold enough to use). ``pending``: the change of movements the archive
    holds that the estate's stock file does not have yet (``runs.pending_change``)."""
    if part not in estate.parts:
        raise PatrolError(f"unknown part {part!r} (known: {_known(estate.parts)})")
    if depot not in estate.depots:
        raise PatrolError(f"unknown depot {depot!r} (known: {_known(estate.depots)})")
    if action == "use" and (host is None or host not in estate.hosts):
        raise PatrolError(f"--host {host!r}: not a host in the inventory")
    if action == "use":
        model = estate.models.get(estate.hosts[host].hardware.model)
        uses = {u.part for u in model.parts} if model is not None else set()
        if part not in uses:
            raise PatrolError(f"{host}'s model {estate.hosts[host].hardware.model} does not use "
                              f"{part} (it uses: {_known(uses)})")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise PatrolError(f"--quantity {quantity}: expected a whole number of 1 or more")
    if not reason or not reason.strip():
        raise PatrolError("--reason is empty: say why the part moves (ticket, fault, delivery)")
    before = sum(e.quantity for e in estate.stock if (e.part, e.depot) == (part, depot))
    before += pending
    change = -quantity if action == "use" else quantity
    if before + change < 0:
        raise PatrolError(f"cannot use {quantity} {part} at {depot}: it holds {before}; "
                          "nothing changed", exit_code=Exit.FAILED)
    return Movement(action, part, depot, change, before, before + change, reason.strip(), host)


def _load(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML().load(text)


def _changed_lines(old: str, new: str) -> list[int]:
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(a) != len(b):
        return [-1]
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def edit_stock(text: str, m: Movement) -> str:
    """``inventory/spares.yaml`` with the movement applied; only one line differs."""
    data = _load(text)
    stock = data.get("stock") if hasattr(data, "get") else None
    entries = [e for e in stock or [] if hasattr(e, "get")
               and (e.get("part"), e.get("depot")) == (m.part, m.depot)]
    if len(entries) > 1:
        raise PatrolError(f"{STOCK_FILE}: {m.part} at {m.depot} is listed {len(entries)} times; "
                          "merge the lines first")
    if not entries:
        return _append(text, stock, m)
    entry = entries[0]
    line, col = entry.lc.value("quantity")
    flow = entry.fa.flow_style()
    new = replace_scalar(text, line, col, str(m.after), flow=flow)
    check = _load(new)
    moved = [e for e in check["stock"] if (e.get("part"), e.get("depot")) == (m.part, m.depot)]
    if _changed_lines(text, new) != [line] or [e.get("quantity") for e in moved] != [m.after]:
        raise PatrolError(f"{STOCK_FILE}:{line + 1}: cannot edit this quantity without "
                          "touching other lines; edit it by hand", exit_code=Exit.FAILED)
    return new


def _append(text: str, stock: Any, m: Movement) -> str:
    """A new one-line entry after the last stock entry, written like it (flow style)."""
    if not stock or not stock[-1].fa.flow_style():
        raise PatrolError(f"{STOCK_FILE}: no line for {m.part} at {m.depot} to add to; add "
                          f"`- {{part: {m.part}, depot: {m.depot}, quantity: 0}}` to stock: first")
    lines = text.splitlines(keepends=True)
    line, col = stock.lc.item(len(stock) - 1)
    last = lines[line]
    if last.rstrip()[-1:] != "}":  # the entry spans lines: do not guess its layout
        raise PatrolError(f"{STOCK_FILE}:{line + 1}: the last stock entry spans several lines; "
                          f"add {m.part} at {m.depot} by hand")
    prefix = last[:col]
    newline = "\n" if last.endswith("\n") else ""
    added = f"{prefix}{{part: {m.part}, depot: {m.depot}, quantity: {m.after}}}\n"
    lines[line] = last if newline else last + "\n"
    lines.insert(line + 1, added)
    return "".join(lines)
