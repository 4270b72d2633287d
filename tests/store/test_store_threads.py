"""The store is used from two threads at once: polling matches stories in a worker thread while the event
loop answers commands and delivers alerts. Their transactions must not mix."""

from __future__ import annotations

import threading

from tests.conftest import make_store


def test_writes_from_two_threads_each_stay_in_their_own_transaction() -> None:
    store = make_store()
    errors: list[BaseException] = []

    def write(feed: str) -> None:
        try:
            for round_number in range(1_000):
                store.remember_entries(feed, [f"{feed}-{round_number}-{n}" for n in range(5)])
        except BaseException as error:  # any error fails the test below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(feed,)) for feed in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.entry_digests("a") == {f"a-999-{n}" for n in range(5)}
    assert store.entry_digests("b") == {f"b-999-{n}" for n in range(5)}
