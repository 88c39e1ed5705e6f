"""``relationship()`` and ``backref()``: the property's configuration (direction, join columns and
criteria from join_condition, order_by, collection class, loader strategy, cascades), lazy loading,
and keeping both sides of a bidirectional pair in step in memory."""

from __future__ import annotations

import warnings
from typing import Any

from .. import exc
from ..sql.elements import and_
from . import join_condition
from .attributes import record_change
from .base import instance_state, session_for_state
from .collections import new_collection
from .dataclass_mapping import pop_field_options


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
    _dc_is_property = True

    def __init__(
        self,
        argument: Any = None,
        *,
        back_populates: str | None = None,
        backref: Any = None,
        uselist: bool | None = None,
        lazy: Any = "select",
        cascade: str | None = None,
        foreign_keys: Any = None,
        primaryjoin: Any = None,
        secondaryjoin: Any = None,
        secondary: Any = None,
        order_by: Any = False,
        remote_side: Any = None,
        viewonly: bool = False,
        passive_deletes: Any = False,
        collection_class: Any = None,
        post_update: bool = False,
        overlaps: str | None = None,
        info: dict[Any, Any] | None = None,
        doc: str | None = None,
        **kw: Any,
    ) -> None:
        # overlaps only silences SQLAlchemy's warning about relationships writing the same columns,
        # which ferroalchemy does not emit.
        self.overlaps = overlaps
        self.post_update = post_update
        self.info = dict(info or {})
        self.doc = doc
        # dataclass field options, for a class mapped as a dataclass.
        self._dc_options = pop_field_options(kw)
        if kw:
            raise NotImplementedError(f"ferroalchemy: relationship() options {sorted(kw)} are not implemented yet")
        if lazy is True:
            lazy = "select"
        elif lazy is False:
            lazy = "joined"
        elif lazy is None:
            lazy = "noload"
        if lazy not in _LAZY:
            raise NotImplementedError(f"ferroalchemy: relationship(lazy={lazy!r}) is not implemented yet")
        if collection_class not in (None, list, set):
            raise NotImplementedError(
                f"ferroalchemy: relationship(collection_class={collection_class!r}) is not implemented yet; "
                "list and set are"
            )
        if back_populates and backref:
            raise exc.ArgumentError("backref and back_populates keyword arguments are mutually exclusive")
        if lazy == "noload":
            warnings.warn(
                "The ``noload`` loader strategy is deprecated and will be removed in a future release.  This "
                "option produces incorrect results by returning ``None`` for related items. (deprecated since: 2.1)",
                exc.SADeprecationWarning,
                stacklevel=2,
            )
        self.lazy = lazy
        self.cascade = _parse_cascade(cascade)
        self.passive_deletes = passive_deletes
        self.argument = argument
        self.secondary = secondary
        # many-to-many: (parent column, association column) and (target column, association column)
        self._sec_parent: list[tuple[Any, Any]] = []
        self._sec_target: list[tuple[Any, Any]] = []
        self.back_populates = back_populates
        # backref="name" or backref("name", **kw): the reverse relationship this one creates.
        self._backref: tuple[str, dict[str, Any]] | None = None
        if backref:
            self._backref = (backref, {}) if isinstance(backref, str) else (backref[0], dict(backref[1]))
        # Set on a relationship a backref created: the relationship it mirrors.
        self._reverse_of: RelationshipProperty | None = None
        self._uselist = uselist
        self.viewonly = viewonly
        self._foreign_keys_arg = foreign_keys
        self._primaryjoin_arg = primaryjoin
        self._secondaryjoin_arg = secondaryjoin
        self._remote_side_arg = remote_side
        self._order_by_arg = order_by
        self._collection_class = collection_class
        self.key = ""
        self.parent: Any = None
        self._mapper: Any = None
        self._resolved = False
        self._direction: RelationshipDirection | None = None
        # (referenced column, foreign key column) pairs: for many-to-one (target column, own FK
        # column), for one-to-many (own column, the target's FK column).
        self._pairs: list[tuple[Any, Any]] = []
        # Terms of an explicit primaryjoin/secondaryjoin beyond the column pairs, ANDed to each load.
        self._extra: list[Any] = []
        self._order_by: Any = False
        self._annotation_collection: bool | None = None
        # The @validates method of this attribute, if its class declares one.
        self._validator: Any = None

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

    @property
    def order_by(self) -> Any:
        """The resolved ``order_by``: a list of column elements, or False."""
        self._resolve()
        return self._order_by

    @property
    def collection_class(self) -> Any:
        return self._collection_class or list

    @property
    def local_remote_pairs(self) -> list[tuple[Any, Any]]:
        self._resolve()
        if self._direction == MANYTOMANY:
            return [*self._sec_parent, *self._sec_target]
        if self._direction == MANYTOONE:
            return [(fc, rc) for rc, fc in self._pairs]
        return list(self._pairs)

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
        install_backrefs(self.parent.registry)
        parent_t = self.parent.local_table
        target_t = self._mapper.local_table
        fwd = self._reverse_of
        if fwd is not None:
            fwd._resolve()
            self.secondary = fwd.secondary
            self._extra = fwd._extra
            if fwd._direction == MANYTOMANY:
                self._direction = MANYTOMANY
                self._sec_parent, self._sec_target = fwd._sec_target, fwd._sec_parent
            else:
                self._direction = ONETOMANY if fwd._direction == MANYTOONE else MANYTOONE
                self._pairs = fwd._pairs
        elif self.secondary is not None:
            sec = self._secondary_table()
            self.secondary = sec
            self._sec_parent, self._sec_target, self._extra = join_condition.through_secondary(
                self, parent_t, target_t, sec
            )
            self._direction = MANYTOMANY
        else:
            direction, self._pairs, self._extra = join_condition.direct(self, parent_t, target_t)
            self._direction = ONETOMANY if direction == "ONETOMANY" else MANYTOONE
        order = join_condition.columns_of(self, self._order_by_arg)
        self._order_by = order or False
        if self._annotation_collection is not None:
            coll = self._annotation_collection
            if self._uselist is None and coll != (self._direction != MANYTOONE):
                self._uselist = coll
        if self.post_update and self._direction != MANYTOONE:
            raise NotImplementedError(
                "ferroalchemy: post_update on a one-to-many or many-to-many relationship is not implemented yet"
            )
        self._resolved = True
        if self.lazy in ("write_only", "dynamic") and not self.uselist:
            self._resolved = False
            raise exc.InvalidRequestError(
                f"On relationship {self.parent.class_.__name__}.{self.key}, '{self.lazy}' loaders cannot be "
                "used with many-to-one/one-to-one relationships and/or uselist=False."
            )

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

    def _install_backref(self, check: bool) -> bool:
        """Creates the reverse relationship a ``backref`` names on the target mapper, once the target
        class is mapped; False while it is not. A name the target has already is an error when
        `check` (mapper configuration), and waits until then otherwise."""
        if self._backref is None:
            return True
        try:
            target = self._target_class()
        except exc.InvalidRequestError:
            return False
        name, kw = self._backref
        mapper = target.__mapper__
        if name in mapper._props:
            if not check:
                return False
            raise exc.ArgumentError(
                f"Error creating backref '{name}' on relationship '{self.parent.class_.__name__}.{self.key}': "
                f"property of that name exists on mapper '{mapper}'"
            )
        self._backref = None
        kw.pop("primaryjoin", None)
        kw.pop("secondaryjoin", None)
        kw.pop("foreign_keys", None)
        kw.pop("remote_side", None)
        reverse = RelationshipProperty(self.parent.class_, back_populates=self.key, **kw)
        reverse._reverse_of = self
        self.back_populates = name
        mapper._add_property(name, reverse)
        return True

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
            if self._extra:
                raise NotImplementedError(
                    "ferroalchemy: join() along a many-to-many relationship with extra join criteria is not "
                    "implemented yet"
                )
            # The association table is aliased, as SQLAlchemy does, so it may appear more than once.
            sec = self.secondary.alias(f"{self.secondary.name}_1")
            steps = [
                (and_(*[pc == sec.c[sc.key] for pc, sc in self._sec_parent]), sec),
                (and_(*[tc == sec.c[sc.key] for tc, sc in self._sec_target]), self.mapper.local_table),
            ]
            return None, steps, self.parent.local_table
        on = and_(*[a == b for a, b in self._pairs], *self._extra)
        return on, self.mapper.local_table, self.parent.local_table

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
        if state.identity is None or self.lazy in ("write_only", "dynamic"):
            # Transient or pending: nothing to load; a collection starts empty. A write-only or
            # dynamic collection never loads: it holds the changes the next flush writes.
            if self.uselist:
                coll = new_collection(obj, self)
                d[self.key] = coll
                return coll
            return None
        if (state.raise_on and self.key in state.raise_on) or self.lazy == "raise":
            raise exc.InvalidRequestError(
                f"'{self.parent.class_.__name__}.{self.key}' is not available due to lazy='raise'"
            )
        if self.lazy == "noload":
            value = new_collection(obj, self) if self.uselist else None
            d[self.key] = value
            return value
        session = session_for_state(state)
        if session is None:
            from .exc import DetachedInstanceError

            raise DetachedInstanceError(
                f"Parent instance {_state_str(obj)} is not bound to a Session; lazy load operation of "
                f"attribute '{self.key}' cannot proceed"
            )
        if self.lazy == "raise_on_sql":
            from . import loading

            value = loading.from_identity_map(session, self, obj)
            if value is loading.NOT_IN_MAP:
                raise exc.InvalidRequestError(
                    f"'{self.parent.class_.__name__}.{self.key}' is not available due to lazy='raise_on_sql'"
                )
        else:
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
        validator = self._validator
        if self.uselist and self.lazy in ("write_only", "dynamic"):
            self._set_writer(obj, state, value)
        elif self.uselist:
            if value is None:
                raise TypeError("Incompatible collection type: None is not list-like")
            if validator is not None:
                value = [validator.added(obj, item) for item in value]
            old = d.get(self.key)
            if old is None and state.identity is not None and self.direction == MANYTOMANY:
                # History needs what the database holds: load it before replacing it.
                old = self.load_missing(obj)
            new = new_collection(obj, self, value)
            new._orig = getattr(old, "_orig", ())
            d[self.key] = new
            # As SQLAlchemy's bulk replace: the members added, then those removed; members kept
            # raise no event.
            kept = old if old is not None else ()
            for item in new:
                if item not in kept:
                    self._collection_added(obj, item, append=False)
            for item in kept:
                if item in new:
                    continue
                if validator is not None:
                    validator.removed(obj, item)
                if reverse is not None:
                    reverse._back_clear(item)
        else:
            if validator is not None:
                value = validator.added(obj, value)
            old = d.get(self.key)
            d[self.key] = value
            if reverse is not None and old is not value:
                if old is not None and reverse.uselist:
                    coll = old.__dict__.get(reverse.key)
                    if coll is not None:
                        coll._remove_quiet(obj)
                        reverse._validate_back_remove(old, obj)
                if value is not None:
                    reverse._back_add(value, obj)
            self._cascade(obj, value)
        if state.identity is not None:
            record_change(obj, state, self.key, d)

    def _set_writer(self, obj: Any, state: Any, value: Any) -> None:
        """Assigning a write-only or dynamic collection: only before the object is persistent, as
        the members it replaces are never loaded."""
        if state.identity is not None:
            raise exc.InvalidRequestError(
                f'Collection "{self.parent.class_.__name__}.{self.key}" does not support implicit iteration; '
                "collection replacement operations can't be used"
            )
        old = obj.__dict__.get(self.key)
        for item in old._members() if old is not None else ():
            old.remove(item)
        obj.__dict__[self.key] = new_collection(obj, self, value)

    def _set_scalar_quiet(self, obj: Any, value: Any) -> None:
        d = obj.__dict__
        state = instance_state(obj)
        if state.identity is not None:
            record_change(obj, state, self.key, d)
        d[self.key] = value

    def _back_add(self, obj: Any, item: Any) -> None:
        """The other side set: put `item` in this side of `obj` (collection append or scalar set)."""
        d = obj.__dict__
        if self._validator is not None:
            item = self._validator.added(obj, item, backref=True)
        if self.uselist:
            coll = d.get(self.key)
            if coll is None:
                state = d.get("_sa_instance_state")
                if state is not None and state.identity is not None:
                    # Not loaded: the flush sets the foreign key; loading later sees the row.
                    return
                coll = new_collection(obj, self)
                d[self.key] = coll
            coll._append_quiet(item)
            self._mark(obj)
        else:
            self._set_scalar_quiet(obj, item)

    def _validate_back_remove(self, obj: Any, item: Any) -> None:
        """The other side took `item` out of this collection of `obj`: an ``include_removes``
        validator hears of it."""
        if self._validator is not None:
            self._validator.removed(obj, item, backref=True)

    def _back_clear(self, obj: Any) -> None:
        """The other side let go of `obj`: this scalar attribute is set to None (a validator sees
        that as a set, as SQLAlchemy's backref pop is)."""
        value = None
        if self._validator is not None:
            value = self._validator.added(obj, None, backref=True)
        self._set_scalar_quiet(obj, value)

    def _mark(self, obj: Any) -> None:
        state = instance_state(obj)
        if state.identity is not None:
            record_change(obj, state, self.key, obj.__dict__)

    def _collection_added(self, parent: Any, item: Any, append: bool = True) -> None:
        reverse = self._reverse()
        if reverse is not None:
            reverse._back_add(item, parent)
        self._mark(parent)
        self._cascade(parent, item)

    def _collection_removed(self, parent: Any, item: Any) -> None:
        reverse = self._reverse()
        if reverse is not None:
            if reverse.uselist:
                coll = item.__dict__.get(reverse.key)
                if coll is not None:
                    coll._remove_quiet(parent)
                    reverse._validate_back_remove(item, parent)
                    reverse._mark(item)
            elif item.__dict__.get(reverse.key) is parent:
                reverse._back_clear(item)
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


_LAZY = frozenset(
    {
        "select",
        "selectin",
        "subquery",
        "joined",
        "immediate",
        "raise",
        "raise_on_sql",
        "noload",
        "write_only",
        "dynamic",
    }
)

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


def cascade_iterator(obj: Any, cascade: str) -> list[Any]:
    """The objects reached from `obj` through loaded relationships carrying `cascade` (depth first,
    each once, `obj` itself not included); unloaded relationships are not loaded."""
    out: list[Any] = []
    stack = [obj]
    seen = {id(obj)}
    while stack:
        cur = stack.pop()
        d = cur.__dict__
        for prop in type(cur).__mapper__._props.values():
            if not prop.is_relationship or cascade not in prop.cascade or prop.key not in d:
                continue
            value = d[prop.key]
            for t in value._members() if prop.uselist else ([value] if value is not None else []):
                if id(t) not in seen:
                    seen.add(id(t))
                    out.append(t)
                    stack.append(t)
    return out


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

    @property
    def property(self) -> RelationshipProperty:
        return self.prop

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


def backref(name: str, **kw: Any) -> tuple[str, dict[str, Any]]:
    """The reverse relationship for ``relationship(..., backref=backref("name", **kw))``: a name and
    the options of the relationship created on the target class."""
    return name, kw


def install_backrefs(registry: Any, check: bool = True) -> None:
    """Creates the reverse relationships of the registry's backrefs whose target classes exist;
    `check` raises for a backref whose name the target already has (configuration time)."""
    pending = registry._pending_backrefs
    if pending:
        registry._pending_backrefs = [p for p in pending if not p._install_backref(check)]
