"""Decoding a page straight into its stream's schema, so that msgspec conforms it in C.

`records.FieldPlan` conforms a decoded dict in Python; on large pages that walk costs
more than decoding and encoding them. Here a page is decoded into msgspec Structs
generated from the same plan, which do most of that work inside the decoder:

* a level's undeclared properties are refused (`forbid_unknown_fields`), so they are
  never silently kept;
* text and boolean fields must hold text and booleans (or null);
* absent properties stay absent (`UNSET`, never written).

What the Structs cannot do is done afterwards, in Python, only where it is needed:
dates (v2's RFC 2822 to ISO 8601) always, and whatever the store actually sent that
the strict types refused. Such a refusal is learnt once per field: the decoder reads
the field's place from msgspec's error, relaxes that one field (a number in a text
field, a 0/1 in a boolean, an undeclared property to leave out, an object where text
was expected) and decodes the page again. Each relaxed field is then fixed after
decoding exactly as `FieldPlan` would fix it, so a record comes out the same either
way (tests compare the two on generated and deliberately malformed pages). An error
the decoder cannot place (the page itself is not a list) turns it off for the rest of
the run: the page is decoded plainly and conformed by `FieldPlan`, which reports the
problem as before.

Records decoded this way are `TypedRecord`s. They answer the few mapping operations
the SDK and the streams use (`record["id"]`, `get`, `in`), are written by the
direct writer as they are, and become dicts (`msgspec.to_builtins`) where the SDK's
generic path needs one (stream maps, a partial selection).

Embedded children (`schemas.embeddings.EMBEDDINGS`) are copies of a parent's nested
Structs with the keys the tap adds (the parent's id, the store); the generator gives a
child and its parent one declaration for what they share, so conforming the parent's
page conforms the children's records too.
"""

from __future__ import annotations

import keyword
import logging
import re
import threading
import typing as t
from collections.abc import Callable, Mapping

import msgspec
from msgspec import UNSET, UnsetType

from tap_bigcommerce.records import FieldPlan, as_flags
from tap_bigcommerce.schemas import load_schema
from tap_bigcommerce.schemas.embeddings import EMBEDDINGS
from tap_bigcommerce.typed import TypedRecord

LOGGER = logging.getLogger(__name__)

_PLAIN = msgspec.json.Decoder()
_NUMBER_TYPES = frozenset({int, float})
MAX_LESSONS_PER_PAGE = 200
"""More relaxations than this for one page means something else is wrong: decode plainly."""

_ERROR = re.compile(r"(?s)(?P<message>.*) - at `\$(?P<where>[^`]*)`")
_UNKNOWN_FIELD = re.compile(r"Object contains unknown field `(?P<name>[^`]+)`")
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


class Unsupported(Exception):
    """The schema cannot be a Struct (a property name that is not a Python identifier)."""


class _Unplaceable(Exception):
    """A validation error the decoder cannot turn into a relaxed field."""


# What a relaxed field becomes; each is fixed after decoding as FieldPlan fixes it.
_TEXT, _FLAG, _LOOSE, _DROP = "text", "flag", "loose", "drop"


class _Level:
    """One object level of the schema: its Struct type and what to fix after decoding."""

    def __init__(self, plan: FieldPlan, added: Mapping[str, frozenset[str]]) -> None:
        self.plan = plan
        for name in plan.names:
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                raise Unsupported(f"property {plan.path}{name!r} cannot be a Struct field")
        self.added = added.get(plan.path, frozenset()) - plan.declared
        """Keys the tap adds to an embedded child's copy; the payload must not hold them."""
        self.objects = {name: _Level(sub, added) for name, sub in plan.objects}
        self.arrays = {name: _Level(sub, added) for name, sub in plan.arrays}
        self.lessons: dict[str, str] = {}
        self.struct: type[TypedRecord] = TypedRecord
        self.stale = True
        """This level's Struct must be rebuilt (a lesson was learnt here, or never built)."""
        self.has_fixes = False

    def sub(self, name: str) -> _Level | None:
        if self.lessons.get(name) is not None:
            return None
        return self.objects.get(name) or self.arrays.get(name)

    def build(self) -> type[TypedRecord]:
        """(Re)build this level's Struct if it or a level below it learnt a lesson.

        Levels that did not change keep their Struct (and msgspec's type information
        cached on it): a lesson on the first page of orders then costs a few levels'
        rebuild, not the ~50 levels of the whole record.
        """
        changed = self.stale
        for level in (*self.objects.values(), *self.arrays.values()):
            built = level.struct
            if level.build() is not built:
                changed = True
        if not changed:
            return self.struct
        plan = self.plan
        texts, booleans = frozenset(plan.texts), frozenset(plan.booleans)
        fields: list[tuple[str, t.Any, t.Any]] = []
        for name in plan.names:
            annotation: t.Any = t.Any
            if name in self.lessons:
                pass
            elif name in texts:
                annotation = str | None
            elif name in booleans:
                annotation = bool | None
            elif name in self.objects:
                annotation = self.objects[name].struct | None
            elif name in self.arrays:
                annotation = list[self.arrays[name].struct] | None  # type: ignore[misc]
            fields.append((name, annotation, UNSET))
        fields += [(name, t.Any, UNSET) for name, kind in self.lessons.items() if kind == _DROP]
        fields += [(name, UnsetType, UNSET) for name in sorted(self.added)]
        self.struct = msgspec.defstruct(  # type: ignore[assignment]
            "Record" + "".join(p.title() for p in plan.path.split(".")),
            fields,
            bases=(TypedRecord,),
            forbid_unknown_fields=True,
            gc=False,
        )
        self._plan_fixes()
        self.stale = False
        return self.struct

    def _plan_fixes(self) -> None:
        lessons = self.lessons
        self.dates = self.plan.dates
        self.bool_arrays = self.plan.boolean_arrays
        self.texts = tuple(n for n, kind in lessons.items() if kind == _TEXT)
        self.flags = tuple(n for n, kind in lessons.items() if kind == _FLAG)
        self.drops = tuple(n for n, kind in lessons.items() if kind == _DROP)
        plans = self.plan.below
        self.loose = tuple(
            (n, plans[n], n in self.arrays) for n, kind in lessons.items() if kind == _LOOSE
        )
        below = [(n, level, False) for n, level in self.objects.items() if n not in lessons]
        below += [(n, level, True) for n, level in self.arrays.items() if n not in lessons]
        self.below = tuple(entry for entry in below if entry[1].has_fixes)
        self.has_fixes = bool(
            self.dates
            or self.bool_arrays
            or self.texts
            or self.flags
            or self.drops
            or self.loose
            or self.below
        )

    def fix(self, record: t.Any, dropped: list[str]) -> None:
        """Do, on one decoded record of this level, what the Struct could not."""
        plan = self.plan
        for name in self.dates:
            value = getattr(record, name)
            if value is not None and value is not UNSET:
                setattr(record, name, plan.conform_date(name, value))
        for name in self.texts:
            value = getattr(record, name)
            if type(value) in _NUMBER_TYPES:
                setattr(record, name, str(value))
        for name in self.flags:
            value = getattr(record, name)
            if value is not None and value is not UNSET and not isinstance(value, bool):
                setattr(record, name, value != 0)
        for name in self.bool_arrays:
            value = getattr(record, name)
            if isinstance(value, list):
                setattr(record, name, as_flags(value))
        for name in self.drops:
            if getattr(record, name) is not UNSET:
                setattr(record, name, UNSET)
        for name, sub_plan, is_array in self.loose:
            value = getattr(record, name)
            if is_array:
                if type(value) is list:
                    for item in value:
                        if type(item) is dict:
                            dropped.extend(sub_plan.apply(item))
            elif type(value) is dict:
                dropped.extend(sub_plan.apply(value))
        for name, level, is_array in self.below:
            value = getattr(record, name)
            if is_array:
                if type(value) is list:
                    for item in value:
                        level.fix(item, dropped)
            elif value is not None and value is not UNSET:
                level.fix(value, dropped)


class PageDecoder:
    """Decodes one stream's list pages into conformed `TypedRecord`s (see the module doc).

    Thread-safe: pages are decoded in the fetching threads; a lesson rebuilds the
    types under a lock and every thread then decodes with the new ones.
    """

    def __init__(
        self,
        plan: FieldPlan,
        *,
        envelope: t.Literal["v2", "v3"],
        added: Mapping[str, frozenset[str]] | None = None,
        on_undeclared: Callable[[list[str]], None],
    ) -> None:
        self._root = _Level(plan, added or {})
        self._envelope = envelope
        self._on_undeclared = on_undeclared
        self._lock = threading.Lock()
        self._decoder: msgspec.json.Decoder[t.Any] | None = self._build()
        self.lessons: list[str] = []
        """What was relaxed, as `kind path` (for logs and tests)."""

    @property
    def enabled(self) -> bool:
        return self._decoder is not None

    def _build(self) -> msgspec.json.Decoder[t.Any]:
        records: t.Any = list[self._root.build()]  # type: ignore[misc]
        if self._envelope == "v2":
            return msgspec.json.Decoder(records)
        page = msgspec.defstruct("Page", [("data", records), ("meta", t.Any, None)])
        return msgspec.json.Decoder(page)

    def decode(self, body: bytes) -> t.Any:
        """The page's body: a list (v2) or `{"data": [...], "meta": ...}` (v3).

        Malformed JSON raises msgspec.DecodeError, as plain decoding would.
        """
        for _attempt in range(MAX_LESSONS_PER_PAGE):
            decoder = self._decoder
            if decoder is None:
                return _PLAIN.decode(body)
            try:
                page = decoder.decode(body)
            except msgspec.ValidationError as exc:
                with self._lock:
                    if self._decoder is decoder:
                        self._learn(exc)
                continue
            return self._finish(page)
        with self._lock:
            self._turn_off(f"more than {MAX_LESSONS_PER_PAGE} fields to relax on one page")
        return _PLAIN.decode(body)

    def _finish(self, page: t.Any) -> t.Any:
        records = page if self._envelope == "v2" else page.data
        root = self._root
        if root.has_fixes:
            dropped: list[str] = []
            fix = root.fix
            for record in records:
                fix(record, dropped)
            if dropped:
                self._on_undeclared(dropped)
        if self._envelope == "v2":
            return records
        return {"data": records, "meta": page.meta}

    def _learn(self, exc: msgspec.ValidationError) -> None:
        try:
            level, name, kind = self._place(str(exc))
        except _Unplaceable as reason:
            self._turn_off(str(reason))
            return
        level.lessons[name] = kind
        level.stale = True
        self.lessons.append(f"{kind} {level.plan.path}{name}")
        if kind == _DROP:
            self._on_undeclared([level.plan.path + name])
        self._decoder = self._build()

    def _place(self, error: str) -> tuple[_Level, str, str]:
        """The level, field and relaxation that a validation error calls for."""
        match = _ERROR.fullmatch(error)
        if match is None:
            raise _Unplaceable(f"unplaced error: {error}")
        where = match["where"]
        steps = [name or None for name, _index in _STEP.findall(where)]
        if "".join(m.group(0) for m in _STEP.finditer(where)) != where:
            raise _Unplaceable(f"unreadable location {where!r}")
        if self._envelope == "v3":
            if not steps or steps[0] != "data":
                raise _Unplaceable(f"the page's envelope: {error}")
            steps = steps[1:]
        if not steps or steps[0] is not None:
            raise _Unplaceable(f"the page's list: {error}")
        names = [step for step in steps if step is not None]
        unknown = _UNKNOWN_FIELD.match(match["message"])
        if unknown:
            return self._level(names, error), unknown["name"], _DROP
        if not names:
            raise _Unplaceable(f"a record that is not an object: {error}")
        level, name = self._level(names[:-1], error), names[-1]
        plan = level.plan
        if name in level.lessons or name not in plan.declared:
            raise _Unplaceable(f"no relaxation left for {plan.path}{name}: {error}")
        if name in plan.texts:
            return level, name, _TEXT
        if name in plan.booleans:
            return level, name, _FLAG
        if name in level.objects or name in level.arrays:
            return level, name, _LOOSE
        raise _Unplaceable(f"unexpected refusal of {plan.path}{name}: {error}")

    def _level(self, names: list[str], error: str) -> _Level:
        level = self._root
        for name in names:
            below = level.sub(name)
            if below is None:
                raise _Unplaceable(f"no typed level at {name!r}: {error}")
            level = below
        return level

    def _turn_off(self, reason: str) -> None:
        if self._decoder is not None:
            self._decoder = None
            LOGGER.info(
                "Stream '%s': pages are decoded plainly from now on (%s).",
                self._root.plan.stream,
                reason,
            )


def embedded_child_keys(parent: str, plan: FieldPlan) -> dict[str, frozenset[str]]:
    """The keys each embedded child adds to its copies of the parent's nested records.

    By level path (`consignments.shipping.`): the child's declared properties that
    the parent does not declare there (the parent's id, the store).
    """
    added: dict[str, frozenset[str]] = {}
    for embedding in EMBEDDINGS:
        if embedding.parent != parent:
            continue
        child = frozenset(load_schema(embedding.child)["properties"]) | {"store_hash"}
        for at in embedding.at:
            level = plan.at(at)
            added[level.path] = added.get(level.path, frozenset()) | (child - level.declared)
    return added
