"""Wave splitting: every spec form over 1, 2, 3, 10 and 101 hosts, deterministic order."""

from __future__ import annotations

import pytest

from runner.upgrade.waves import split_waves, wave_size


def hosts(n: int) -> list[str]:
    return [f"h{i:03d}" for i in range(n)]


def sizes(n: int, spec: list) -> list[int]:
    return [len(w) for w in split_waves(hosts(n), spec)]


@pytest.mark.parametrize(("n", "spec", "expected"), [
    # counts
    (1, [1], [1]),
    (2, [1], [1, 1]),  # implicit rest
    (3, [1, 1], [1, 1, 1]),
    (10, [2, 3], [2, 3, 5]),
    (101, [5, 5], [5, 5, 91]),
    (2, [5], [2]),  # a count larger than the fleet takes what is there
    # percentages: ceil of the share of all targeted hosts
    (1, ["50%"], [1]),
    (2, ["50%"], [1, 1]),
    (3, ["50%"], [2, 1]),
    (10, ["10%", "50%"], [1, 5, 4]),
    (101, ["10%", "10%"], [11, 11, 79]),
    (101, ["1%"], [2, 99]),  # ceil(1.01) = 2
    (101, ["100%"], [101]),
    (3, ["34%", "34%", "34%"], [2, 1]),  # a wave with nothing left is dropped
    # rest
    (1, ["rest"], [1]),
    (2, ["rest"], [2]),
    (3, ["rest"], [3]),
    (10, ["rest"], [10]),
    (101, ["rest"], [101]),
    # mixtures: the sample plan's canary, half, rest
    (1, [1, "50%", "rest"], [1]),
    (2, [1, "50%", "rest"], [1, 1]),
    (3, [1, "50%", "rest"], [1, 2]),
    (10, [1, "50%", "rest"], [1, 5, 4]),
    (101, [1, "50%", "rest"], [1, 51, 49]),
    (101, [1, 10, "25%", "rest"], [1, 10, 26, 64]),
    (10, ["20%", 3], [2, 3, 5]),  # implicit rest after a mixture
])
def test_waves_have_the_sizes_the_specs_give(n: int, spec: list, expected: list[int]) -> None:
    assert sizes(n, spec) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101])
@pytest.mark.parametrize("spec", [[1], ["50%"], ["rest"], [1, "50%", "rest"], [2, "10%"]])
def test_every_host_is_in_exactly_one_wave(n: int, spec: list) -> None:
    waves = split_waves(hosts(n), spec)
    flat = [h for w in waves for h in w]
    assert flat == hosts(n)
    assert all(waves)


def test_waves_are_sorted_by_name_whatever_the_input_order() -> None:
    assert split_waves(["web-03", "app-01", "web-01", "app-02"], [1, "50%", "rest"]) == [
        ["app-01"], ["app-02", "web-01"], ["web-03"]]


def test_no_hosts_gives_no_waves() -> None:
    assert split_waves([], [1, "rest"]) == []


@pytest.mark.parametrize("bad", [0, -1, True, "0%", "101%", "half", "50"])
def test_nonsense_specs_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        wave_size(bad, 10, 10)  # type: ignore[arg-type]
