"""``relationship()``: many-to-one and one-to-many with ``back_populates``, lazy loading, and
keeping both sides of a bidirectional pair in step in memory."""

from __future__ import annotations

from typing import Any

from .. import exc
from ..sql.elements import and_
from .attributes import record_change
from .base import instance_state, session_for_state
from .collections import InstrumentedList


class RelationshipDirection(str):
    """SQLAlchemy's direction symbols (``rel.direction.name == "MANYTOONE"``)."""

    @property
    def name(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"symbol({str(self)!r})"


ONETOMANY = RelationshipDirection("ONETOMANY")
MANYTOONE = RelationshipDirection("MANYTOONE")
MANYTOMANY = RelationshipDirection("MANYTOMANY")


class RelationshipProperty:
    is_relationship = True

    def __init__(
        self,
        argument: Any = None,
        *,
        back_populates: str | None = None,
        backref: Any = None,
        uselist: bool | None = None,
        lazy: str = "select",
        cascade: str | None = None,
        foreign_keys: Any = None,
        primaryjoin: Any = None,
        secondary: Any = None,
        order_by: Any = None,
        remote_side: Any = None,
        viewonly: bool = False,
        passive_deletes: Any = False,
        collection_class: Any = None,
        **kw: Any,
    ) -> None:
        unsupported = {
            "backref": backref,
            "primaryjoin": primaryjoin,
            "remote_side": remote_side,
            "foreign_keys": foreign_keys,
            "collection_class": collection_class,
            "order_by": order_by,
        }
        for name, value in unsupported.items():
            if value not in (None, False):
                raise NotImplementedError(f"ferroalchemy: relationship({name}=...) is not implemented yet")
        if lazy not in ("select", True, "selectin", "raise"):
            raise NotImplementedError(f"ferroalchemy: relationship(lazy={lazy!r}) is not implemented yet")
        self.lazy = "select" if lazy is True else lazy
        self.cascade = _parse_cascade(cascade)
        self.passive_deletes = passive_deletes
        if kw:
            raise NotImplementedError(f"ferroalchemy: relationship() options {sorted(kw)} are not implemented yet")
        self.argument = argument
        self.secondary = secondary
        # many-to-many: (parent column, association column) and (target column, association column)
        self._sec_parent: list[tuple[Any, Any]] = []
        self._sec_target: list[tuple[Any, Any]] = []
        self.back_populates = back_populates
        self._uselist = uselist
        self.viewonly = viewonly
        self.key = ""
        self.parent: Any = None
        self._mapper: Any = None
        self._resolved = False
        self._direction: RelationshipDirection | None = None
        # (parent-side column, child-side FK column) pairs
        self._pairs: list[tuple[Any, Any]] = []
        self._annotation_collection: bool | None = None

    # -- configuration ------------------------------------------------------------------
    @property
    def mapper(self) -> Any:
        self._resolve()
        return self._mapper

    @property
    def entity(self) -> Any:
        return self.mapper

    @property
    def direction(self) -> RelationshipDirection | None:
        self._resolve()
        return self._direction

    @property
    def uselist(self) -> bool:
        self._resolve()
        if self._uselist is not None:
            return self._uselist
        return self.direction != MANYTOONE

    def _target_class(self) -> type:
        arg = self.argument
        if callable(arg) and not isinstance(arg, type):
            arg = arg()
        if isinstance(arg, str):
            cls = self.parent.registry._resolve_name(arg)
            if cls is None:
                raise exc.InvalidRequestError(
                    f"When initializing mapper {self.parent}, expression {arg!r} failed to locate a name "
                    f"({arg!r}). If this is a class name, consider adding this relationship() to the "
                    f"{self.parent.class_!r} class after both dependent classes have been defined."
                )
            return cls
        if isinstance(arg, type):
            return arg
        mapper = getattr(arg, "class_", None)
        if mapper is not None:
            return mapper
        raise exc.ArgumentError(f"relationship() target {arg!r} is not a mapped class")

    def _resolve(self) -> None:
        if self._resolved:
            return
        target = self._target_class()
        self._mapper = target.__mapper__
        parent_t = self.parent.local_table
        target_t = self._mapper.local_table
        if self.secondary is not None:
            self._resolve_secondary(parent_t, target_t)
            self._resolved = True
            return
        to_target = [fk for fk in parent_t._foreign_keys() if fk.column.table is target_t]
        to_parent = [fk for fk in target_t._foreign_keys() if fk.column.table is parent_t]
        if parent_t is target_t:
            raise NotImplementedError(
                "ferroalchemy: self-referential relationships (remote_side) are not implemented yet"
            )
        if to_target and not to_parent:
            self._direction = MANYTOONE
            fks = to_target
        elif to_parent and not to_target:
            self._direction = ONETOMANY
            fks = to_parent
        elif not to_target and not to_parent:
            raise exc.NoForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship "
                f"{self.parent.class_.__name__}.{self.key} - there are no foreign keys linking these tables.  "
                "Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or "
                "specify a 'primaryjoin' expression."
            )
        else:
            raise exc.AmbiguousForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship "
                f"{self.parent.class_.__name__}.{self.key} - there are multiple foreign key paths linking the tables."
            )
        if (
            len({id(fk.parent) for fk in fks}) > len({id(fk.column) for fk in fks})
            or len({fk.column.table.name for fk in fks}) > 1
        ):
            raise exc.AmbiguousForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship "
                f"{self.parent.class_.__name__}.{self.key} - there are multiple foreign key paths linking the tables."
            )
        if self._direction == MANYTOONE:
            # parent holds the FK: pairs are (target column, parent FK column)
            self._pairs = [(fk.column, fk.parent) for fk in fks]
        else:
            self._pairs = [(fk.column, fk.parent) for fk in fks]
        if self._annotation_collection is not None:
            coll = self._annotation_collection
            if self._uselist is None and coll != (self._direction == ONETOMANY):
                self._uselist = coll
        self._resolved = True

    def _secondary_table(self) -> Any:
        sec = self.secondary
        if callable(sec) and not hasattr(sec, "c"):
            sec = sec()
        if isinstance(sec, str):
            table = self.parent.local_table.metadata.tables.get(sec)
            if table is None:
                raise exc.InvalidRequestError(
                    f"When initializing mapper {self.parent}, expression {sec!r} failed to locate a name "
                    f"({sec!r}) for the secondary table of relationship {self.parent.class_.__name__}.{self.key}"
                )
            sec = table
        return sec

    def _resolve_secondary(self, parent_t: Any, target_t: Any) -> None:
        if parent_t is target_t:
            raise NotImplementedError(
                "ferroalchemy: self-referential many-to-many relationships are not implemented yet"
            )
        sec = self._secondary_table()
        self.secondary = sec
        to_parent = [fk for fk in sec._foreign_keys() if fk.column.table is parent_t]
        to_target = [fk for fk in sec._foreign_keys() if fk.column.table is target_t]
        if not to_parent or not to_target:
            raise exc.NoForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship "
                f"{self.parent.class_.__name__}.{self.key} - there are no foreign keys linking these tables via "
                f"secondary table '{sec.name}'."
            )
        self._direction = MANYTOMANY
        self._sec_parent = [(fk.column, fk.parent) for fk in to_parent]
        self._sec_target = [(fk.column, fk.parent) for fk in to_target]

    def _secondary_row(self, parent: Any, child: Any) -> dict[str, Any]:
        """The association row linking `parent` and `child` (column name to key value)."""
        pm, tm = self.parent, self.mapper
        row = {sc.name: getattr(parent, pm._attr_for_column(pc)) for pc, sc in self._sec_parent}
        row.update({sc.name: getattr(child, tm._attr_for_column(tc)) for tc, sc in self._sec_target})
        return row

    def _reverse(self) -> RelationshipProperty | None:
        if not self.back_populates:
            return None
        prop = self.mapper._props.get(self.back_populates)
        if prop is None or not getattr(prop, "is_relationship", False):
            raise exc.InvalidRequestError(
                f"back_populates on relationship '{self.parent.class_.__name__}.{self.key}' refers to attribute "
                f"'{self.mapper.class_.__name__}.{self.back_populates}' that is not a relationship."
            )
        return prop

    # -- SQL ------------------------------------------------------------------------------
    def _join_target(self) -> tuple[Any, Any, Any]:
        """ON clause, target table, and the parent table the join starts from, for ``join(A.rel)``.
        A many-to-many join goes through the association table: the target is then a list of
        (ON clause, table) steps."""
        self._resolve()
        if self.direction == MANYTOMANY:
            # The association table is aliased, as SQLAlchemy does, so it may appear more than once.
            sec = self.secondary.alias(f"{self.secondary.name}_1")
            steps = [
                (and_(*[pc == sec.c[sc.key] for pc, sc in self._sec_parent]), sec),
                (and_(*[tc == sec.c[sc.key] for tc, sc in self._sec_target]), self.mapper.local_table),
            ]
            return None, steps, self.parent.local_table
        return and_(*[a == b for a, b in self._pairs]), self.mapper.local_table, self.parent.local_table

    def _child_fk_attrs(self) -> list[tuple[str, str]]:
        """(parent attribute holding the key, child attribute holding the FK) for one-to-many."""
        pm, cm = self.parent, self.mapper
        return [(pm._attr_for_column(pc), cm._attr_for_column(fc)) for pc, fc in self._pairs]

    def _local_fk_attrs(self) -> list[tuple[str, str]]:
        """(target attribute with the key, own attribute holding the FK) for many-to-one."""
        tm, pm = self.mapper, self.parent
        return [(tm._attr_for_column(tc), pm._attr_for_column(fc)) for tc, fc in self._pairs]

    # -- instance access ------------------------------------------------------------------
    def load_missing(self, obj: Any) -> Any:
        d = obj.__dict__
        state = d.get("_sa_instance_state")
        if state is None:
            state = instance_state(obj)
        if state.identity is None:
            # Transient or pending: nothing to load; a collection starts empty.
            if self.uselist:
                coll = InstrumentedList()._setup(obj, self)
                d[self.key] = coll
                return coll
            return None
        if (state.raise_on and self.key in state.raise_on) or self.lazy == "raise":
            raise exc.InvalidRequestError(
                f"'{self.parent.class_.__name__}.{self.key}' is not available due to lazy='raise'"
            )
        session = session_for_state(state)
        if session is None:
            from .exc import DetachedInstanceError

            raise DetachedInstanceError(
                f"Parent instance {_state_str(obj)} is not bound to a Session; lazy load operation of "
                f"attribute '{self.key}' cannot proceed"
            )
        value = session._lazy_load(self, obj)
        if self.key in d:
            return d[self.key]
        d[self.key] = value
        return value

    def set(self, obj: Any, value: Any) -> None:
        self._resolve()
        d = obj.__dict__
        state = d.get("_sa_instance_state")
        if state is None:
            state = instance_state(obj)
        reverse = self._reverse()
        if self.uselist:
            if value is None:
                raise TypeError("Incompatible collection type: None is not list-like")
            old = d.get(self.key)
            if old is None and state.identity is not None and self.direction == MANYTOMANY:
                # History needs what the database holds: load it before replacing it.
                old = self.load_missing(obj)
            new = InstrumentedList(value)._setup(obj, self)
            new._orig = getattr(old, "_orig", ())
            d[self.key] = new
            if old is not None:
                for item in old:
                    if item not in new and reverse is not None:
                        reverse._set_scalar_quiet(item, None)
            for item in new:
                self._collection_added(obj, item, append=False)
        else:
            old = d.get(self.key)
            d[self.key] = value
            if reverse is not None and old is not value:
                if old is not None and reverse.uselist:
                    coll = old.__dict__.get(reverse.key)
                    if coll is not None and obj in coll:
                        list.remove(coll, obj)
                if value is not None:
                    reverse._back_add(value, obj)
            self._cascade(obj, value)
        if state.identity is not None:
            record_change(obj, state, self.key, d)

    def _set_scalar_quiet(self, obj: Any, value: Any) -> None:
        d = obj.__dict__
        state = instance_state(obj)
        if state.identity is not None:
            record_change(obj, state, self.key, d)
        d[self.key] = value

    def _back_add(self, obj: Any, item: Any) -> None:
        """The other side set: put `item` in this side of `obj` (collection append or scalar set)."""
        d = obj.__dict__
        if self.uselist:
            coll = d.get(self.key)
            if coll is None:
                state = d.get("_sa_instance_state")
                if state is not None and state.identity is not None:
                    # Not loaded: the flush sets the foreign key; loading later sees the row.
                    return
                coll = InstrumentedList()._setup(obj, self)
                d[self.key] = coll
            if not any(x is item for x in coll):
                list.append(coll, item)
                self._mark(obj)
        else:
            self._set_scalar_quiet(obj, item)

    def _mark(self, obj: Any) -> None:
        state = instance_state(obj)
        if state.identity is not None:
            record_change(obj, state, self.key, obj.__dict__)

    def _collection_added(self, parent: Any, item: Any, append: bool = True) -> None:
        reverse = self._reverse()
        if reverse is not None:
            if reverse.uselist:
                reverse._back_add(item, parent)
            else:
                reverse._set_scalar_quiet(item, parent)
        self._mark(parent)
        self._cascade(parent, item)

    def _collection_removed(self, parent: Any, item: Any) -> None:
        reverse = self._reverse()
        if reverse is not None:
            if reverse.uselist:
                coll = item.__dict__.get(reverse.key)
                if coll is not None and any(x is parent for x in coll):
                    list.remove(coll, parent)
                    reverse._mark(item)
            elif item.__dict__.get(reverse.key) is parent:
                reverse._set_scalar_quiet(item, None)
        self._mark(parent)

    def _cascade(self, parent: Any, item: Any) -> None:
        """save-update cascade: an object attached to one in a session joins that session."""
        if item is None or self.viewonly or "save-update" not in self.cascade:
            return
        session = session_for_state(instance_state(parent))
        if session is not None:
            session._save_or_update(item)

    def __repr__(self) -> str:
        return f"<RelationshipProperty at {hex(id(self))}; {self.key}>"


_CASCADES = {"save-update", "merge", "refresh-expire", "expunge", "delete", "delete-orphan"}
_ALL = {"save-update", "merge", "refresh-expire", "expunge", "delete"}


def _parse_cascade(cascade: str | None) -> frozenset[str]:
    """SQLAlchemy's cascade string: "all" is everything but delete-orphan; the default is
    "save-update, merge"."""
    if cascade is None:
        return frozenset({"save-update", "merge"})
    parts = {p.strip() for p in cascade.split(",") if p.strip()}
    unknown = parts - _CASCADES - {"all", "none"}
    if unknown:
        raise exc.ArgumentError(f"Invalid cascade option(s): {', '.join(repr(u) for u in sorted(unknown))}")
    if "all" in parts:
        parts |= _ALL
    return frozenset(parts & _CASCADES)


def _state_str(obj: Any) -> str:
    return f"<{type(obj).__name__} at {hex(id(obj))}>"


class RelationshipAttribute:
    """``Department.employees``: a non-data descriptor; loaded values live in ``__dict__``."""

    def __init__(self, class_: type, key: str, prop: RelationshipProperty) -> None:
        self.class_ = class_
        self.key = key
        self.prop = prop

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        return self.prop.load_missing(obj)

    def _join_target(self) -> tuple[Any, Any, Any]:
        return self.prop._join_target()

    def __clause_element__(self) -> Any:
        return self.prop._join_target()[0]

    def __repr__(self) -> str:
        return f"<sqlalchemy.orm.attributes.InstrumentedAttribute object at {hex(id(self))}>"

    def __str__(self) -> str:
        return f"{self.class_.__name__}.{self.key}"

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self._compare(other, negate=False)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self._compare(other, negate=True)

    def _compare(self, other: Any, negate: bool) -> Any:
        from . import relationship_comparators

        return relationship_comparators.compare(self.prop, other, negate)

    def any(self, criterion: Any = None, **kwargs: Any) -> Any:
        from . import relationship_comparators

        return relationship_comparators.any_(self.prop, criterion, kwargs)

    def has(self, criterion: Any = None, **kwargs: Any) -> Any:
        from . import relationship_comparators

        return relationship_comparators.has(self.prop, criterion, kwargs)

    def of_type(self, entity: Any) -> Any:
        from .aliased import OfType

        return OfType(self.prop, entity)

    def contains(self, other: Any, **kwargs: Any) -> Any:
        from . import relationship_comparators

        return relationship_comparators.contains(self.prop, other)


def relationship(argument: Any = None, secondary: Any = None, **kw: Any) -> RelationshipProperty:
    return RelationshipProperty(argument, secondary=secondary, **kw)


def backref(name: str, **kw: Any) -> Any:
    raise NotImplementedError("ferroalchemy: backref() is not implemented yet; use back_populates")
