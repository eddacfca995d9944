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
    removed: dict[str, set[int]] = dataclasses.field(default_factory=dict, compare=False)
    """Child records deleted one by one (admin `delete`), by child type: factories skip them."""

    def v2(self, path: str) -> str:
        return f"{self.base_url}/stores/{self.store_hash}/v2{path}"
