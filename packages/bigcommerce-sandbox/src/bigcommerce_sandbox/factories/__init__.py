"""Record factories: pure functions from ``(context, state row)`` to a spec-shaped record."""
