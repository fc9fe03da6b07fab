"""The loaded index is kept out of the garbage collector's walks, and a replaced one is still freed."""

from __future__ import annotations

import gc
import weakref

from assistant.api.services import settle_heap


class _Cyclic:
    def __init__(self) -> None:
        self.me = self  # freed only by a collection, never by reference counting


def test_frozen_objects_are_left_alone_until_a_replacement_collects_them():
    try:
        old = _Cyclic()
        ref = weakref.ref(old)
        settle_heap(collect=False)
        assert gc.get_freeze_count() > 0
        del old
        gc.collect()
        assert ref() is not None  # frozen: a full collection did not walk it
        settle_heap(collect=True)
        assert ref() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_serving_an_index_freezes_it(client):
    gc.unfreeze()
    services = client.app.state.services
    try:
        services.use_index(services.index)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
