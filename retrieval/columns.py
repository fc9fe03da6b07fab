"""Chunk metadata as arrays, so filters become boolean masks in microseconds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import numpy as np

from legal_corpus.models import Chunk, Status

from .types import Filters


def _codes(values: Sequence[str]) -> tuple[np.ndarray, dict[str, int]]:
    table: dict[str, int] = {}
    codes = np.fromiter((table.setdefault(v.casefold(), len(table)) for v in values), dtype=np.int32,
                        count=len(values))
    return codes, table


class Columns:
    def __init__(self, chunks: Sequence[Chunk]):
        self.doc_ids = [c.doc_id for c in chunks]
        self.collection, self._collections = _codes([c.collection for c in chunks])
        self.doc_type, self._doc_types = _codes([c.doc_type for c in chunks])
        self.number, self._numbers = _codes([c.doc_number for c in chunks])
        self.issuer, self._issuers = _codes([c.issuer for c in chunks])
        self.repealed = np.array([c.status == Status.REPEALED.value for c in chunks], dtype=bool)
        self.effective = np.array([date.fromisoformat(c.effective).toordinal() if c.effective else 0
                                   for c in chunks], dtype=np.int32)
        self.mask = lru_cache(maxsize=64)(self._mask)

    @property
    def collection_names(self) -> set[str]:
        return set(self._collections)

    @staticmethod
    def _isin(codes: np.ndarray, table: dict[str, int], wanted: Sequence[str]) -> np.ndarray:
        ids = [table[w.casefold()] for w in wanted if w.casefold() in table]
        return np.isin(codes, ids)

    def _mask(self, filters: Filters) -> np.ndarray:
        """Rows the filters accept: any of the named collections/types/numbers, an issuer
        name containing one of the given ones, and not repealed or not yet effective on the date."""
        mask = np.ones(len(self.doc_ids), dtype=bool)
        if filters.collections:
            mask &= self._isin(self.collection, self._collections, filters.collections)
        if filters.doc_types:
            mask &= self._isin(self.doc_type, self._doc_types, filters.doc_types)
        if filters.doc_numbers:
            mask &= self._isin(self.number, self._numbers, filters.doc_numbers)
        if filters.issuers:
            wanted = [i.casefold() for i in filters.issuers]
            ids = [code for name, code in self._issuers.items() if any(w in name for w in wanted)]
            mask &= np.isin(self.issuer, ids)
        if filters.in_force_on is not None:
            mask &= ~self.repealed & (self.effective <= filters.in_force_on.toordinal())
        return mask
