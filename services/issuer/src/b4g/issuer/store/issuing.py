"""The read that issuing together starts with: one statement for everything a batch signs with."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields

from b4g.core.infra.db import Conn
from b4g.issuer.store.achievements import COLUMNS as ACHIEVEMENT_COLUMNS
from b4g.issuer.store.achievements import AchievementRow, achievement_row
from b4g.issuer.store.issuers import IssuerRow, KeyRow
from b4g.issuer.store.status_lists import OpenList


@dataclass(frozen=True, slots=True)
class IssuingInputs:
    issuers: dict[uuid.UUID, IssuerRow]
    keys: dict[uuid.UUID, KeyRow]  # the active key of each issuer that has one
    achievements: dict[uuid.UUID, AchievementRow]  # current versions, of any platform
    lists: dict[tuple[uuid.UUID, str], OpenList]  # the list being filled per issuer and purpose


def _columns(row_type: type, alias: str) -> str:
    """The columns of a row type's fields (named as its table's columns), in field order."""
    return ", ".join(f"{alias}.{field.name}" for field in fields(row_type))


# One round trip instead of four: each part comes back as an array of ROW(...) values of named
# columns, decoded to tuples in that order (whole-row values would break when a column is added
# while this process runs).
_INPUTS = (
    f"SELECT ARRAY(SELECT ROW({_columns(IssuerRow, 'i')}) FROM issuers i"  # noqa: S608 (constants)
    "  WHERE i.id = ANY($1::uuid[])),"
    f" ARRAY(SELECT ROW({_columns(KeyRow, 'k')}) FROM issuer_keys k"
    "  WHERE k.issuer_id = ANY($1::uuid[]) AND k.state = 'active'),"
    f" ARRAY(SELECT ROW({ACHIEVEMENT_COLUMNS}) FROM achievements a"
    "  JOIN achievement_versions v ON v.achievement_id = a.id AND v.version = a.current_version"
    "  WHERE a.id = ANY($2::uuid[])),"
    " ARRAY(SELECT DISTINCT ON (issuer_id, purpose) ROW(issuer_id, purpose, id, seq, capacity)"
    "  FROM status_lists WHERE issuer_id = ANY($1::uuid[]) ORDER BY issuer_id, purpose, seq DESC)"
)


async def issuing_inputs(
    conn: Conn, issuer_ids: Sequence[uuid.UUID], achievement_ids: Sequence[uuid.UUID]
) -> IssuingInputs:
    """These issuers (with their active keys and open lists) and achievements, of any platform:
    callers check whose they are."""
    [(issuers, keys, achievements, lists)] = await conn.fetch(_INPUTS, issuer_ids, achievement_ids)
    return IssuingInputs(
        issuers={values[0]: IssuerRow(*values) for values in issuers},
        keys={values[1]: KeyRow(*values) for values in keys},
        achievements={values[0]: achievement_row(values) for values in achievements},
        lists={
            (issuer_id, purpose): OpenList(list_id, seq, capacity)
            for issuer_id, purpose, list_id, seq, capacity in lists
        },
    )
