"""`parallel_map`, which every parallel step of the build uses: the results of a plain map,
in order, with the work shared between the build's own process and forked ones."""

import os
import signal
import time
from collections.abc import Callable

import pytest

from pathways.plugin_support import WorkerStopped, parallel_map


def square_slowly(number: int) -> tuple[int, int]:
    time.sleep(0.01)  # long enough for both processes to take items
    return number * number, os.getpid()


def test_the_results_are_a_maps_in_order_worked_by_this_process_and_a_forked_one():
    results = parallel_map(square_slowly, list(range(40)), workers=2)
    assert [square for square, _ in results] == [number * number for number in range(40)]
    workers = {pid for _, pid in results}
    assert os.getpid() in workers and len(workers) == 2


def test_meanwhile_runs_here_and_any_function_will_do():
    ran = []
    offset = 7
    results = parallel_map(
        lambda number: number + offset, range(10), workers=2, meanwhile=lambda: ran.append(1)
    )
    assert results == [number + 7 for number in range(10)]
    assert ran == [1]


def fail_on_five(number: int) -> int:
    if number == 5:
        raise ValueError("five")
    return number


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_any_item_reaches_the_caller(workers):
    with pytest.raises(ValueError, match="five"):
        parallel_map(fail_on_five, list(range(20)), workers=workers)


def test_one_worker_or_few_items_work_here_alone():
    assert {pid for _, pid in parallel_map(square_slowly, [1, 2, 3], workers=2)} == {os.getpid()}
    assert {pid for _, pid in parallel_map(square_slowly, list(range(9)), workers=1)} == {
        os.getpid()
    }


def die_if_forked(parent: int) -> Callable[[int], int]:
    def work(number: int) -> int:
        time.sleep(0.01)
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return number

    return work


def test_a_killed_process_stops_the_map_with_a_clear_error_instead_of_waiting_forever():
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("parallel_map still waiting"))
    signal.alarm(30)
    try:
        with pytest.raises(WorkerStopped, match=r"killed .* BUILD_WORKERS = 1"):
            parallel_map(die_if_forked(os.getpid()), list(range(40)), workers=2)
    finally:
        signal.alarm(0)
