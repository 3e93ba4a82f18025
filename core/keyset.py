"""Keyset (cursor) pagination: pages that stay fast deep into a large list.

A page is "the rows after (or before) this row, in this order": the query compares the sort
key and the primary key with the anchor row's, so PostgreSQL walks an index instead of counting
past an OFFSET, and no page asks for an exact COUNT(*).

The cursor in the address is a signed token of the anchor's primary key, the direction and
the sort it belongs to. It deliberately does not carry the sort key itself: a list sorted by
title or by name would put a person's name in the address (base64 is not encryption), so the
key is read back from the anchor row, within the same visible and filtered queryset. A token
that does not verify is refused; an anchor that has since left the list starts the list over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from django.core import signing
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

SALT = "vigil.keyset"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

M = TypeVar("M", bound=models.Model)
Direction = Literal["next", "prev"]


class InvalidCursor(ValueError):
    """The cursor was altered, belongs to another list or sort, or is not ours at all."""


@dataclass(frozen=True)
class SortKey:
    """One way to sort a list: a non-null expression (nulls coalesced to a sentinel by the
    caller) and its direction; the primary key breaks ties in the same direction."""

    name: str
    expression: Any
    descending: bool = False

    @property
    def ordering(self) -> tuple[str, str]:
        """`order_by` arguments for a queryset annotated by `apply`."""
        sign = "-" if self.descending else ""
        return f"{sign}_sort", f"{sign}pk"

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """The queryset in this order, its key annotated as `_sort`."""
        ordered = queryset.annotate(_sort=self.expression).order_by(*self.ordering)
        return cast("QuerySet[M]", ordered)


def encode_cursor(*, scope: str, sort: str, pk: int, direction: Direction) -> str:
    payload = {"s": sort, "pk": pk, "d": direction}
    return signing.dumps(payload, salt=f"{SALT}.{scope}", compress=False)


def decode_cursor(token: str, *, scope: str, sort: str) -> tuple[int, Direction]:
    try:
        payload = signing.loads(token, salt=f"{SALT}.{scope}")
    except signing.BadSignature as error:
        raise InvalidCursor(str(error)) from None
    if not isinstance(payload, dict):
        raise InvalidCursor("not a cursor")
    pk, direction = payload.get("pk"), payload.get("d")
    if payload.get("s") != sort:
        raise InvalidCursor("the cursor belongs to another sort order")
    if not isinstance(pk, int) or isinstance(pk, bool) or direction not in ("next", "prev"):
        raise InvalidCursor("malformed cursor")
    return pk, direction


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: Sequence[M]
    next_cursor: str | None
    prev_cursor: str | None
    restarted: bool = False
    """True when the cursor's row has left the list and the first page is shown instead."""

    @property
    def has_other_pages(self) -> bool:
        return self.next_cursor is not None or self.prev_cursor is not None


def page_size_from(value: str | None) -> int:
    try:
        size = int(value or DEFAULT_PAGE_SIZE)
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def _after(key: Any, pk: int, descending: bool) -> Q:
    """Rows strictly after (key, pk) in the order; before when `descending`."""
    op = "lt" if descending else "gt"
    return Q(**{f"_sort__{op}": key}) | Q(_sort=key, **{f"pk__{op}": pk})


def paginate(
    queryset: QuerySet[M],
    *,
    scope: str,
    sort: SortKey,
    cursor: str | None,
    size: int,
) -> Page[M]:
    """One page of `queryset` in `sort` order, starting from `cursor` (None: the first page).

    Costs one query without a cursor and two with one (the anchor's key, then the page),
    whatever the page size. Raises `InvalidCursor` for a token that does not verify."""
    ordered = queryset.annotate(_sort=sort.expression)
    forward = sort.ordering
    backward = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in forward)
    direction: Direction = "next"
    restarted = False
    window = ordered
    if cursor:
        pk, direction = decode_cursor(cursor, scope=scope, sort=sort.name)
        anchor = ordered.filter(pk=pk).values_list("_sort", flat=True).first()
        if anchor is None:
            restarted, direction = True, "next"
        elif direction == "next":
            window = ordered.filter(_after(anchor, pk, sort.descending))
        else:
            window = ordered.filter(_after(anchor, pk, not sort.descending))
    if direction == "next":
        rows = list(window.order_by(*forward)[: size + 1])
        more_after, more_before = len(rows) > size, bool(cursor) and not restarted
        rows = rows[:size]
    else:
        rows = list(window.order_by(*backward)[: size + 1])
        more_before, more_after = len(rows) > size, True
        rows = list(reversed(rows[:size]))
    next_cursor = prev_cursor = None
    if rows and more_after:
        next_cursor = encode_cursor(scope=scope, sort=sort.name, pk=rows[-1].pk, direction="next")
    if rows and more_before:
        prev_cursor = encode_cursor(scope=scope, sort=sort.name, pk=rows[0].pk, direction="prev")
    return Page(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor, restarted=restarted)


def paginate_request(
    request: HttpRequest, queryset: QuerySet[M], *, scope: str, sort: SortKey
) -> Page[M]:
    """`paginate` with the cursor and page size read from the request's address."""
    return paginate(
        queryset,
        scope=scope,
        sort=sort,
        cursor=request.GET.get("cursor"),
        size=page_size_from(request.GET.get("per_page")),
    )
