"""The validated, typed, immutable inputs object.

One record class per sheet, generated from the data dictionary (``schema.SHEETS``):
a field per column with the column's name, plus ``row``, the Excel row number the
record came from (0 for records made in code). ``Inputs`` holds one tuple of records
per sheet, in workbook order, and the ``Settings``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from stockpile.data.schema import SETTINGS, SHEETS, START_YEAR, Column, Sheet

_FROZEN = ConfigDict(extra="forbid", frozen=True)

_PY_TYPE = {
    "id": str,
    "ref": str,
    "text": str,
    "enum": str,
    "number": float,
    "year": int,
    "int": int,
}


class Record(BaseModel):
    """Base of every sheet record: immutable, no unknown fields."""

    model_config = _FROZEN
    row: int = 0


def _field(col: Column) -> tuple[Any, Any]:
    py = _PY_TYPE[col.kind]
    if col.required:
        return (py, ...)
    if col.default == START_YEAR:
        # Filled in by the reader (or by ``Inputs`` validation) from Settings.start_year.
        return (int | None, None)
    return (py, col.default if col.default is not None else ...)


def _record_class(sheet: Sheet) -> type[Record]:
    fields = {col.name: _field(col) for col in sheet.columns}
    return create_model(sheet.name, __base__=Record, **fields)  # type: ignore[call-overload]


class Settings(BaseModel):
    model_config = _FROZEN
    start_year: int
    end_year: int
    discount_rate: float = 0.0
    currency: str = "USD"
    recovery_years: int = 2
    risk_weight: float = 0.0
    cvar_level: float = 0.9
    #: Excel row of each setting, for messages.
    rows: dict[str, int] = {}


# Written out for readers and type checkers; the dictionary stays the one source.
assert [f for f in Settings.model_fields if f != "rows"] == [c.name for c in SETTINGS.columns]
assert all(
    Settings.model_fields[c.name].default == c.default for c in SETTINGS.columns if not c.required
)

RECORDS: dict[str, type[Record]] = {s.name: _record_class(s) for s in SHEETS if not s.settings}

Material = RECORDS["Materials"]
Country = RECORDS["Countries"]
Source = RECORDS["Sources"]
SourceOutput = RECORDS["SourceOutputs"]
SourceCapacity = RECORDS["SourceCapacity"]
Site = RECORDS["Sites"]
Route = RECORDS["Routes"]
InitialStock = RECORDS["InitialStock"]
Target = RECORDS["Targets"]
Budget = RECORDS["Budget"]
Rule = RECORDS["Rules"]
Demand = RECORDS["Demand"]
SupplyMix = RECORDS["SupplyMix"]
Disruption = RECORDS["Disruptions"]
DisruptionImpact = RECORDS["DisruptionImpacts"]


def _inputs_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {"settings": (Settings, ...)}
    for sheet in SHEETS:
        if not sheet.settings:
            fields[sheet.attr] = (tuple[RECORDS[sheet.name], ...], ())
    return fields


_InputsBase = create_model("_InputsBase", __config__=_FROZEN, **_inputs_fields())


class Inputs(_InputsBase):  # type: ignore[valid-type,misc]
    """Everything the model needs, validated. Build it with ``read_workbook`` or
    ``Inputs.build`` (which fills the start_year defaults)."""

    @property
    def years(self) -> range:
        return range(self.settings.start_year, self.settings.end_year + 1)

    @classmethod
    def build(cls, settings: Settings | dict[str, Any], **tables: Any) -> Inputs:
        """Make an Inputs from plain dicts or records, filling defaults.

        Intended for code (tests, the bundled dataset, scenario overrides); the
        workbook reader validates first and then calls this too.
        """
        if isinstance(settings, dict):
            settings = Settings(**settings)
        data: dict[str, Any] = {"settings": settings}
        for sheet in SHEETS:
            if sheet.settings:
                continue
            rows = tables.pop(sheet.attr, ())
            cls_ = RECORDS[sheet.name]
            data[sheet.attr] = tuple(
                _fill_start_year(r if isinstance(r, cls_) else cls_(**r), sheet, settings)
                for r in rows
            )
        if tables:
            raise TypeError(f"unknown tables: {sorted(tables)}")
        return cls(**data)

    def table(self, sheet_name: str) -> tuple[Record, ...]:
        from stockpile.data.schema import SHEETS_BY_NAME

        return getattr(self, SHEETS_BY_NAME[sheet_name].attr)


def _fill_start_year(rec: Record, sheet: Sheet, settings: Settings) -> Record:
    updates = {
        c.name: settings.start_year
        for c in sheet.columns
        if c.default == START_YEAR and getattr(rec, c.name) is None
    }
    return rec.model_copy(update=updates) if updates else rec
