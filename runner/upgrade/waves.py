"""Split an upgrade plan's targeted hosts into waves, deterministically.

Hosts are sorted by name first, so the same estate always gives the same waves (and the
canary is always the same host). Each wave spec takes hosts from what is left:

- an ``int`` N takes N hosts (fewer if fewer are left);
- ``"NN%"`` takes ceil(NN % of *all* targeted hosts) — so ``[1, "50%", "rest"]`` over 10
  hosts is 1, 5, 4 — never fewer than one host while hosts are left;
- ``"rest"`` takes every host left (the model allows it only as the last spec).

A wave that would be empty (nothing left) is dropped. When the specs do not cover every host,
one more implicit ``"rest"`` wave takes the remainder: a plan never silently leaves hosts out.

```python
>>> split_waves(["c", "a", "b"], [1, "rest"])
[['a'], ['b', 'c']]
```
"""

from __future__ import annotations

WaveSpec = int | str


def wave_size(spec: WaveSpec, total: int, left: int) -> int:
    """How many of the ``left`` hosts the spec takes, ``total`` being all targeted hosts."""
    if isinstance(spec, bool):
        raise ValueError(f"{spec!r} is not a wave spec")
    if isinstance(spec, int):
        if spec < 1:
            raise ValueError(f"a wave needs at least 1 host, got {spec}")
        return min(spec, left)
    if spec == "rest":
        return left
    if isinstance(spec, str) and spec.endswith("%") and spec[:-1].isdigit():
        percent = int(spec[:-1])
        if not 1 <= percent <= 100:
            raise ValueError(f"{spec!r}: a percentage is between 1% and 100%")
        return min(-(-percent * total // 100), left)  # ceil without floats
    raise ValueError(f"{spec!r} is not a wave spec; expected a count, \"NN%\" or \"rest\"")


def split_labelled(hosts: list[str], waves: list[WaveSpec]) -> list[tuple[str, list[str]]]:
    """Like ``split_waves``, each wave with the spec it came from (``"rest"`` if implicit)."""
    ordered = sorted(set(hosts))
    total = len(ordered)
    out: list[tuple[str, list[str]]] = []
    taken = 0
    for spec in waves:
        size = wave_size(spec, total, total - taken)
        if size:
            out.append((str(spec), ordered[taken:taken + size]))
            taken += size
    if taken < total:
        out.append(("rest", ordered[taken:]))
    return out


def split_waves(hosts: list[str], waves: list[WaveSpec]) -> list[list[str]]:
    """The hosts in waves: sorted by name, sized by the specs, plus an implicit final rest."""
    return [wave for _spec, wave in split_labelled(hosts, waves)]


def exceeds(failures: int, wave_hosts: int, limit: int | str) -> bool:
    """The halt rule: a wave halts the plan when its failures *exceed* ``max_failures``.

    A count is compared as is (``0`` halts on the first failure, ``1`` tolerates one); a
    percentage is of the wave's hosts, compared exactly (``"10%"`` of 10 hosts tolerates 1).
    """
    if isinstance(limit, str):
        return failures * 100 > int(limit.rstrip("%")) * wave_hosts
    return failures > limit
