"""What a factory may know about the store besides the record's own state."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Ctx:
    seed: int
    store_hash: str
    base_url: str
    n_products: int
    n_customers: int
    n_brands: int
    n_categories: int

    def v2(self, path: str) -> str:
        return f"{self.base_url}/stores/{self.store_hash}/v2{path}"
