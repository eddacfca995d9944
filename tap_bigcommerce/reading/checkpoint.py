"""Mid-window checkpoints: how far a long window's read is, in STATE, so a killed run resumes.

A first sync's window can take days at the Standard quota. The bookmark moves only when
the whole window is read (`windows`), so without this a run killed at hour 40 would read
the window again from its first page. Instead, while a window is read, each STATE says
which parts of it are still to read (for a keyset pager: id ranges `(after, up_to]`,
`after` being the last id of the last page written). A resumed run continues the same
frozen window from those positions and redoes at most the page each range had in
flight. The positions are saved only after the page before them is on stdout (the
pager updates them when the consumer asks for its next page).

The state stays small, a handful of ranges per stream and store, under the partition's
`progress` key:
`{"window_start": ..., "window_end": ..., "sections": {"ids": [[after, up_to], ...]}}`.
A section is one pass over the window (orders have two: live, then deleted); an empty
section is a pass already complete. State without the key (older runs) reads the window
from the beginning, as before.
"""

from __future__ import annotations

import itertools
import typing as t
from dataclasses import dataclass, field

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.dates import parse_timestamp

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams import Stream

PROGRESS_KEY = "progress"
Position = list[t.Any]
"""A JSON-able position in a section, its meaning the pager's (e.g. `[after_id, up_to_id]`)."""


def saved_progress(stream: Stream, context: Context | None) -> dict[str, t.Any] | None:
    """The checkpoint the state holds for this stream and store, if it is well-formed."""
    progress = stream.get_context_state(context).get(PROGRESS_KEY)
    if not isinstance(progress, dict):
        return None
    sections = progress.get("sections")
    if not isinstance(progress.get("window_end"), str) or not isinstance(sections, dict):
        return None
    try:
        parse_timestamp(progress["window_end"])
    except ValueError:
        return None
    if not all(
        isinstance(positions, list) and all(isinstance(p, list) for p in positions)
        for positions in sections.values()
    ):
        return None
    return progress


@dataclass
class Section:
    """One pass of a pager over the window: its positions still to read."""

    checkpoint: Checkpoint
    resumed: list[Position] | None
    """Where this pass stood when the run began (None: it had not begun)."""
    positions: dict[int, Position] = field(default_factory=dict)
    _keys: itertools.count[int] = field(default_factory=itertools.count)

    def starting(self, fresh: Position) -> list[Position]:
        """Where a read of this pass starts: its resumed positions, else `fresh`."""
        return [list(p) for p in self.resumed] if self.resumed is not None else [fresh]

    def plan(self, positions: list[Position]) -> list[int]:
        """Start a read at these positions; returns a key for each."""
        self.positions = {}
        keys = [self._add(p) for p in positions]
        self.checkpoint.save()
        return keys

    def move(self, key: int, position: Position | None) -> None:
        """The part at `key` now stands at `position` (None: it is read to its end)."""
        if position is None:
            self.positions.pop(key, None)
        else:
            self.positions[key] = list(position)
        self.checkpoint.save()

    def replace(self, key: int, positions: list[Position]) -> list[int]:
        """Split the part at `key` into these parts; returns their keys."""
        self.positions.pop(key, None)
        keys = [self._add(p) for p in positions]
        self.checkpoint.save()
        return keys

    def _add(self, position: Position) -> int:
        key = next(self._keys)
        self.positions[key] = list(position)
        return key


class Checkpoint:
    """The checkpoint of one window of one stream and store (see the module docstring)."""

    def __init__(
        self,
        stream: Stream | None,
        context: Context | None,
        *,
        window_start: str | None,
        window_end: str,
        resumed: dict[str, t.Any] | None = None,
    ) -> None:
        self._stream = stream
        self._context = context
        self._window_start = window_start
        self._window_end = window_end
        self._resumed_sections: dict[str, list[Position]] = dict(
            (resumed or {}).get("sections") or {}
        )
        self._sections: dict[str, Section] = {}
        self.resumed = resumed is not None

    def section(self, name: str) -> Section:
        if name not in self._sections:
            # A pass the killed run had not begun has no positions: it is read whole.
            resumed = self._resumed_sections.get(name) if self.resumed else None
            self._sections[name] = Section(self, resumed)
        return self._sections[name]

    def save(self) -> None:
        """Put the positions in the stream's state and write a STATE message."""
        stream = self._stream
        if stream is None or stream.ABORT_AT_RECORD_COUNT is not None:
            return  # a dry run keeps no state
        sections = {
            name: [list(p) for p in section.positions.values()]
            for name, section in self._sections.items()
        }
        for name, positions in self._resumed_sections.items():
            sections.setdefault(name, positions)
        stream.get_context_state(self._context)[PROGRESS_KEY] = {
            "window_start": self._window_start,
            "window_end": self._window_end,
            "sections": sections,
        }
        sdk_seam.write_state(stream)

    def done(self) -> None:
        """The whole window is read: its bookmark replaces the checkpoint."""
        if self._stream is not None:
            self._stream.get_context_state(self._context).pop(PROGRESS_KEY, None)
