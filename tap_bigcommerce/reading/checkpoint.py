"""Mid-window checkpoints: how far a long window's read is, in STATE, so a killed run resumes.

A first sync's window can take days at the Standard quota. The bookmark moves only when
the whole window is read (`windows`), so without this a run killed at hour 40 would read
the window again from its first page. Instead, while a window is read, each STATE says
which parts of it are still to read (for a keyset pager: id ranges `(after, up_to]`,
`after` being the last id of the last page written). A resumed run continues the same
frozen window from those positions and redoes at most the page each range had in
flight. The positions are saved only after the page before them is on stdout (the
pager updates them when the consumer asks for its next page), with the number of
records the pass has written so far: the resumed run checks the whole window against
the API's count with what both runs wrote (`verify`). A read that fails that check is
read again from the window's beginning, and a run that gives up leaves no checkpoint.

The state stays small, a handful of ranges per stream and store, under the partition's
`progress` key:
`{"window_start": ..., "window_end": ..., "sections": {"ids": {"positions": [[after, up_to],
...], "read": records}}}`.
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

    from tap_bigcommerce.reading.progress import Progress

PROGRESS_KEY = "progress"
Position = list[t.Any]
"""A JSON-able position in a section, its meaning the pager's (e.g. `[after_id, up_to_id]`)."""


def saved_progress(stream: Stream, context: Context | None) -> dict[str, t.Any] | None:
    """The checkpoint the state holds for this stream and store, if it is well-formed."""
    return valid_progress(stream.get_context_state(context).get(PROGRESS_KEY))


def valid_progress(progress: object) -> dict[str, t.Any] | None:
    """`progress` if it is a well-formed checkpoint, else None."""
    if not isinstance(progress, dict):
        return None
    sections = progress.get("sections")
    if not isinstance(progress.get("window_end"), str) or not isinstance(sections, dict):
        return None
    try:
        parse_timestamp(progress["window_end"])
    except ValueError:
        return None
    for section in sections.values():
        positions = section.get("positions") if isinstance(section, dict) else None
        if not isinstance(positions, list) or not all(isinstance(p, list) for p in positions):
            return None
        if type(section.get("read")) is not int:
            return None
    return progress


@dataclass
class Section:
    """One pass of a pager over the window: its positions still to read."""

    checkpoint: Checkpoint
    resumed: list[Position] | None
    """Where this pass stood when the run began (None: it had not begun)."""
    carried: int = 0
    """Records the pass wrote in earlier runs (when resumed)."""
    positions: dict[int, Position] = field(default_factory=dict)
    read: int = 0
    """Records the pass has written, earlier runs included."""
    _keys: itertools.count[int] = field(default_factory=itertools.count)

    def starting(self, fresh: Position) -> list[Position]:
        """Where a read of this pass starts: its resumed positions, else `fresh`."""
        return [list(p) for p in self.resumed] if self.resumed is not None else [fresh]

    def plan(self, positions: list[Position]) -> list[int]:
        """Start a read at these positions; returns a key for each."""
        self.positions = {}
        self.read = self.carried if self.resumed is not None else 0
        keys = [self._add(p) for p in positions]
        self.checkpoint.save()
        if self.checkpoint.progress is not None:
            self.checkpoint.progress.ranges(len(positions))
        return keys

    def restart(self) -> None:
        """Forget where the pass stood: the next read of it starts at the window's beginning."""
        self.resumed, self.carried, self.positions, self.read = None, 0, {}, 0
        self.checkpoint.save(without=self)

    def take(self, saved: dict[str, t.Any] | None) -> None:
        """Stand where a fork's save of this pass says (None: the fork restarted it)."""
        if saved is None:
            self.restart()
            return
        self.positions = {key: list(p) for key, p in enumerate(saved["positions"])}
        self.read = saved["read"]
        self.checkpoint.save()

    def move(self, key: int, position: Position | None, *, records: int = 0) -> None:
        """The part at `key` now stands at `position` (None: it is read to its end), the
        `records` of the page before it written."""
        self.read += records
        if position is None:
            self.positions.pop(key, None)
            if self.checkpoint.progress is not None:
                self.checkpoint.progress.range_done()
        else:
            self.positions[key] = list(position)
        self.checkpoint.save()

    def replace(self, key: int, positions: list[Position], *, records: int = 0) -> list[int]:
        """Split the part at `key` into these parts, the `records` of the pages before
        them written; returns their keys."""
        self.read += records
        self.positions.pop(key, None)
        keys = [self._add(p) for p in positions]
        self.checkpoint.save()
        if self.checkpoint.progress is not None:
            self.checkpoint.progress.ranges(len(positions) - 1)
        return keys

    def add(self, position: Position) -> int:
        """One more part (split off another while the read goes on); returns its key."""
        key = self._add(position)
        self.checkpoint.save()
        if self.checkpoint.progress is not None:
            self.checkpoint.progress.ranges(1)
        return key

    def narrow(self, key: int, position: Position) -> None:
        """The part at `key` now covers only `position` (the rest was split off, `add`)."""
        if key in self.positions:
            self.positions[key] = list(position)
            self.checkpoint.save()

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
        sink: t.Callable[[dict[str, t.Any]], None] | None = None,
    ) -> None:
        self._stream = stream
        self._sink = sink
        """Where saves go instead of the state, for a read ahead of its turn (`ahead`)."""
        self._context = context
        self._window_start = window_start
        self._window_end = window_end
        self._resumed_progress = resumed
        self._resumed_sections: dict[str, dict[str, t.Any]] = dict(
            (resumed or {}).get("sections") or {}
        )
        self._sections: dict[str, Section] = {}
        self.resumed = resumed is not None
        self.progress: Progress | None = None
        """The stream's progress line, told of the parts planned and done."""

    def section(self, name: str) -> Section:
        if name not in self._sections:
            # A pass the killed run had not begun has no positions: it is read whole.
            saved = self._resumed_sections.get(name) if self.resumed else None
            if saved is None:
                self._sections[name] = Section(self, None)
            else:
                self._sections[name] = Section(self, saved["positions"], saved["read"])
        return self._sections[name]

    def save(self, *, without: Section | None = None) -> None:
        """Put the positions in the stream's state and write a STATE message.

        `without`: a pass to leave out (restarted: the next run reads it whole). With a
        sink, the positions go to it instead, to be put in the state later, in order
        with the pages (`apply`).
        """
        stream = self._stream
        if self._sink is None and (stream is None or stream.ABORT_AT_RECORD_COUNT is not None):
            return  # a dry run keeps no state
        sections = {
            name: {"positions": [list(p) for p in section.positions.values()], "read": section.read}
            for name, section in self._sections.items()
            if section is not without
        }
        for name, saved in self._resumed_sections.items():
            if name not in self._sections:
                sections[name] = saved
        saved = {
            "window_start": self._window_start,
            "window_end": self._window_end,
            "sections": sections,
        }
        if self._sink is not None:
            self._sink(saved)
        elif stream is not None:
            apply(stream, self._context, saved)

    def fork(self, sink: t.Callable[[dict[str, t.Any]], None]) -> Checkpoint:
        """The same window's checkpoint for a pass read on another thread: its saves go to
        `sink`, to be handed back in order with its pages and taken in by `adopt`."""
        fork = Checkpoint(
            None,
            None,
            window_start=self._window_start,
            window_end=self._window_end,
            resumed=self._resumed_progress,
            sink=sink,
        )
        fork.progress = self.progress
        return fork

    def adopt(self, name: str, saved: dict[str, t.Any]) -> None:
        """Take in the pass `name` from a fork's save (`fork`), and save."""
        self.section(name).take(saved["sections"].get(name))

    @property
    def saved_sections(self) -> dict[str, dict[str, t.Any]] | None:
        """The sections the read resumed from (None: a fresh read)."""
        return self._resumed_sections if self.resumed else None

    def done(self) -> None:
        """The whole window is read: its bookmark replaces the checkpoint."""
        if self._stream is not None:
            self._stream.get_context_state(self._context).pop(PROGRESS_KEY, None)


def apply(stream: Stream, context: Context | None, saved: dict[str, t.Any]) -> None:
    """Put a checkpoint in the stream's state and write a STATE message."""
    stream.get_context_state(context)[PROGRESS_KEY] = saved
    sdk_seam.write_state(stream)
