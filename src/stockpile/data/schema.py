"""The data dictionary of the input workbook: every sheet and column, written once.

The reader, the template writer, the header comments and the README's workbook
section are all generated from ``SHEETS``. Nothing else in the project spells a sheet
or column name of the workbook contract by hand.

Column kinds:
    id        text identifier, unique within its sheet ("*" is never an id)
    ref       text reference to the id of another sheet (``ref``), "*" where ``star``
    text      free text
    enum      one of ``choices``
    number    a real number within [``low``, ``high``]
    year      a whole number (a calendar year)
    int       a whole number within [``low``, ``high``]

``low_open`` / ``high_open`` make a bound exclusive (``> low``, ``< high``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["id", "ref", "text", "enum", "number", "year", "int"]

BLOCS = ("domestic", "allied", "partner", "adversary", "other")
SOURCE_TYPES = ("seabed", "allied_mine", "domestic_mine", "recycling", "market")
GROUP_TYPES = ("country", "bloc", "source_type", "source", "site")
RULE_LIMITS = ("max_share", "min_share")

#: Default marker: the column defaults to Settings.start_year.
START_YEAR = "start_year"

#: The future in which no disruption happens; no disruption may take this id.
BASE_FUTURE = "base"


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one setting of the Settings sheet)."""

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    ref: str | None = None
    star: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: value must be strictly greater than ``low``
    high_open: bool = False  # True: value must be strictly less than ``high``

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("number", "year", "int")

    @property
    def range_text(self) -> str:
        """The allowed range in words, for messages and docs ('' when unbounded)."""
        if self.low is None and self.high is None:
            return ""
        low = "" if self.low is None else ("> " if self.low_open else ">= ") + _fmt(self.low)
        high = "" if self.high is None else ("< " if self.high_open else "<= ") + _fmt(self.high)
        if not (low and high):
            return low or high
        if self.low_open or self.high_open:
            # Written out: "[0, 1)" and "[0, 1]" look alike to a planner.
            return f"{low} and {high}"
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"

    @property
    def default_text(self) -> str:
        if self.required:
            return "required"
        if self.default is None:
            return "blank"
        if self.default == START_YEAR:
            return "Settings start_year"
        return _fmt(self.default)


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: a table with a header in row 1."""

    name: str
    attr: str  # attribute name on the Inputs object
    required: bool
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns whose combination is unique
    settings: bool = False  # the two-column setting | value sheet
    records: str = "records"  # what one row is, in words

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def headers(self) -> tuple[str, ...]:
        return ("setting", "value") if self.settings else tuple(c.name for c in self.columns)

    @property
    def id_column(self) -> Column | None:
        return next((c for c in self.columns if c.kind == "id"), None)


def _money(name: str, description: str, unit: str, **kw: Any) -> Column:
    return Column(name, "number", description, unit=unit, low=0.0, **kw)


_FRACTION = {"low": 0.0, "high": 1.0}

SETTINGS = Sheet(
    name="Settings",
    attr="settings",
    required=True,
    settings=True,
    description="Planning horizon, discounting, recovery after a disruption and attitude "
    "to risk: one setting per row (setting | value).",
    columns=(
        Column("start_year", "year", "First planning year t0.", unit="year", required=True),
        Column(
            "end_year", "year", "Last planning year (>= start_year).", unit="year", required=True
        ),
        Column(
            "discount_rate",
            "number",
            "Discount rate per year used to bring costs back to start_year.",
            unit="1/yr",
            default=0.0,
            low=0.0,
        ),
        Column("currency", "text", "Currency label (all money is USD).", default="USD"),
        Column(
            "recovery_years",
            "int",
            "Whole years after a disruption ends before the stock targets hold again in "
            "its future (the stockpile must be rebuilt by then).",
            unit="yr",
            default=2,
            low=0.0,
        ),
        Column(
            "risk_weight",
            "number",
            "Weight of the CVaR (the expected cost of the worst futures) against the "
            "expected cost: 0 = risk neutral (expected cost only), 1 = CVaR only.",
            unit="share",
            default=0.0,
            **_FRACTION,
        ),
        Column(
            "cvar_level",
            "number",
            "CVaR level: the CVaR is the expected cost of the worst (1 - cvar_level) share "
            "of futures (0.9: the worst 10 %). Used only when risk_weight > 0.",
            unit="share",
            default=0.9,
            low=0.0,
            high=1.0,
            high_open=True,
        ),
    ),
)

MATERIALS = Sheet(
    name="Materials",
    attr="materials",
    required=True,
    key=("material",),
    description="The materials the stockpile may hold.",
    columns=(
        Column("material", "id", "Material id, e.g. Ni, Co, Dy_oxide.", required=True),
        Column("description", "text", "Free text.", default=""),
        Column(
            "volume_m3_per_t",
            "number",
            "Storage space one tonne takes.",
            unit="m3/t",
            default=0.0,
            low=0.0,
        ),
        _money(
            "shortfall_penalty_usd_per_t",
            "Cost charged per tonne of disruption need left uncovered.",
            "USD/t",
            default=0.0,
        ),
        Column(
            "min_coverage",
            "number",
            "Minimum share of each disruption's need that must be covered.",
            unit="share",
            default=0.0,
            **_FRACTION,
        ),
        _money(
            "resale_usd_per_t",
            "Price received for co-product output that is not stockpiled.",
            "USD/t",
            default=0.0,
        ),
    ),
)

COUNTRIES = Sheet(
    name="Countries",
    attr="countries",
    required=True,
    key=("country",),
    description="Countries of origin and their political bloc.",
    columns=(
        Column("country", "id", "Country id, e.g. US, CA, CN.", required=True),
        Column("bloc", "enum", "Political bloc of the country.", required=True, choices=BLOCS),
    ),
)

SOURCES = Sheet(
    name="Sources",
    attr="sources",
    required=True,
    key=("source",),
    description="Supply sources the stockpile can buy from.",
    columns=(
        Column("source", "id", "Source id.", required=True),
        Column("type", "enum", "Kind of source.", required=True, choices=SOURCE_TYPES),
        Column("country", "ref", "Country of the source.", required=True, ref="Countries"),
        Column("activity_unit", "text", "Unit of purchase activity (label).", default="t"),
        _money(
            "cost_usd_per_unit",
            "Purchase cost per unit of activity in start_year.",
            "USD/unit",
            required=True,
        ),
        Column(
            "capacity_units_per_yr",
            "number",
            "Activity available per year (see SourceCapacity for year overrides).",
            unit="unit/yr",
            required=True,
            low=0.0,
        ),
        Column(
            "first_year",
            "year",
            "First year the source can deliver (earlier: already producing; later than "
            "end_year: never).",
            unit="year",
            default=START_YEAR,
        ),
        Column(
            "cost_escalation_per_yr",
            "number",
            "Yearly cost escalation: cost in year t = cost * (1 + e)^(t - start_year).",
            unit="1/yr",
            default=0.0,
            low=-1.0,
            low_open=True,
        ),
        _money(
            "expansion_cost_usd_per_unit",
            "Cost of adding one unit of yearly capacity, paid once in the year the expansion "
            "is decided.",
            "USD/(unit/yr)",
            default=0.0,
        ),
        Column(
            "expansion_lead_years",
            "int",
            "Whole years from deciding an expansion until the added capacity produces "
            "(0: from the same year).",
            unit="yr",
            default=0,
            low=0.0,
        ),
        Column(
            "max_expansion_units",
            "number",
            "Most yearly capacity that may be added over the whole horizon (0: the source "
            "cannot be expanded).",
            unit="unit/yr",
            default=0.0,
            low=0.0,
        ),
    ),
)

SOURCE_OUTPUTS = Sheet(
    name="SourceOutputs",
    attr="source_outputs",
    required=True,
    key=("source", "material"),
    description="What one unit of source activity yields; two or more rows make a "
    "co-product source (e.g. seabed nodules).",
    columns=(
        Column("source", "ref", "Source id.", required=True, ref="Sources"),
        Column("material", "ref", "Material id.", required=True, ref="Materials"),
        Column(
            "yield_t_per_unit",
            "number",
            "Tonnes of the material per unit of activity.",
            unit="t/unit",
            required=True,
            low=0.0,
            low_open=True,
        ),
    ),
)

SOURCE_CAPACITY = Sheet(
    name="SourceCapacity",
    attr="source_capacity",
    required=False,
    key=("source", "year"),
    description="Year-specific capacity that replaces Sources.capacity_units_per_yr.",
    columns=(
        Column("source", "ref", "Source id.", required=True, ref="Sources"),
        Column("year", "year", "Planning year.", unit="year", required=True),
        Column(
            "capacity_units_per_yr",
            "number",
            "Activity available in that year.",
            unit="unit/yr",
            required=True,
            low=0.0,
        ),
    ),
)

SITES = Sheet(
    name="Sites",
    attr="sites",
    required=True,
    key=("site",),
    description="Storage sites (depots).",
    columns=(
        Column("site", "id", "Site id.", required=True),
        Column("location", "text", "Free text.", default=""),
        Column(
            "capacity_m3", "number", "Storage space of the site.", unit="m3", required=True, low=0.0
        ),
        _money(
            "holding_cost_usd_per_t_yr",
            "Cost of holding one tonne for one year (paid on every year-end stock).",
            "USD/t/yr",
            default=0.0,
        ),
        Column(
            "first_year",
            "year",
            "First year the site is open.",
            unit="year",
            default=START_YEAR,
        ),
    ),
)

ROUTES = Sheet(
    name="Routes",
    attr="routes",
    required=True,
    key=("source", "site"),
    description="Which source can deliver to which site; a pair with no row has no route.",
    columns=(
        Column("source", "ref", "Source id.", required=True, ref="Sources"),
        Column("site", "ref", "Site id.", required=True, ref="Sites"),
        _money("cost_usd_per_t", "Transport cost per tonne of material.", "USD/t", default=0.0),
    ),
)

INITIAL_STOCK = Sheet(
    name="InitialStock",
    attr="initial_stock",
    required=False,
    key=("material", "site"),
    description="Stock already held before start_year (only at sites open at start_year).",
    columns=(
        Column("material", "ref", "Material id.", required=True, ref="Materials"),
        Column("site", "ref", "Site id.", required=True, ref="Sites"),
        Column("stock_t", "number", "Tonnes in store.", unit="t", required=True, low=0.0),
    ),
)

TARGETS = Sheet(
    name="Targets",
    attr="targets",
    required=False,
    key=("material", "year"),
    description="Minimum total stock of a material at the end of a year.",
    columns=(
        Column("material", "ref", "Material id.", required=True, ref="Materials"),
        Column("year", "year", "Planning year.", unit="year", required=True),
        Column("min_stock_t", "number", "Minimum stock.", unit="t", required=True, low=0.0),
    ),
)

BUDGET = Sheet(
    name="Budget",
    attr="budget",
    required=False,
    key=("year",),
    description="Spending cap per year (purchases + transport + holding + capacity "
    "expansion, undiscounted), in every future.",
    columns=(
        Column("year", "year", "Planning year.", unit="year", required=True),
        _money("budget_usd", "Maximum spend in that year.", "USD", required=True),
    ),
)

RULES = Sheet(
    name="Rules",
    attr="rules",
    required=False,
    key=("rule",),
    description="Sourcing rules (share of deliveries from a group) and site dispersion "
    "(share of stock at one site).",
    columns=(
        Column("rule", "id", "Rule id.", required=True),
        Column(
            "material",
            "ref",
            "Material id, or * for every material separately.",
            required=True,
            ref="Materials",
            star=True,
        ),
        Column("group_type", "enum", "What the group is.", required=True, choices=GROUP_TYPES),
        Column(
            "group",
            "text",
            "A country, bloc, source type, source or site id (* allowed for site).",
            required=True,
        ),
        Column(
            "limit",
            "enum",
            "max_share or min_share (site: max_share only).",
            required=True,
            choices=RULE_LIMITS,
        ),
        Column("share", "number", "The share limit.", unit="share", required=True, **_FRACTION),
    ),
)

DEMAND = Sheet(
    name="Demand",
    attr="demand",
    required=False,
    key=("material", "year"),
    description="Essential demand per year, used by the disruption stress tests.",
    columns=(
        Column("material", "ref", "Material id.", required=True, ref="Materials"),
        Column("year", "year", "Planning year.", unit="year", required=True),
        Column("demand_t", "number", "Essential demand.", unit="t/yr", required=True, low=0.0),
    ),
)

SUPPLY_MIX = Sheet(
    name="SupplyMix",
    attr="supply_mix",
    required=False,
    key=("material", "country"),
    description="Normal supply of each material by country; each material's shares sum to 1.",
    columns=(
        Column("material", "ref", "Material id.", required=True, ref="Materials"),
        Column("country", "ref", "Country id.", required=True, ref="Countries"),
        Column(
            "share", "number", "Share of normal supply.", unit="share", required=True, **_FRACTION
        ),
    ),
)

DISRUPTIONS = Sheet(
    name="Disruptions",
    attr="disruptions",
    required=False,
    key=("disruption",),
    description="Alternative futures: at most one disruption happens. In its future, stock "
    "and surviving supply cover essential need; need left uncovered costs the shortfall "
    "penalty.",
    columns=(
        Column(
            "disruption",
            "id",
            f"Disruption id ('{BASE_FUTURE}' is reserved for the future without disruption).",
            required=True,
        ),
        Column(
            "probability",
            "number",
            "Probability that this disruption is the one that happens; the probabilities "
            "of all disruptions sum to at most 1 (the rest: no disruption).",
            unit="share",
            required=True,
            **_FRACTION,
        ),
        Column("start_year", "year", "First year of the disruption.", unit="year", required=True),
        Column(
            "duration_years",
            "int",
            "Length in years (cut at end_year).",
            unit="yr",
            required=True,
            low=1.0,
        ),
        Column(
            "demand_multiplier",
            "number",
            "Essential demand during the disruption relative to normal.",
            unit="x",
            default=1.0,
            low=0.0,
        ),
        Column(
            "price_multiplier",
            "number",
            "Purchase prices in this disruption's future during its window, relative to "
            "normal (transport, holding, resale and expansion costs are unchanged).",
            unit="x",
            default=1.0,
            low=0.0,
        ),
        Column("description", "text", "Free text.", default=""),
    ),
)

DISRUPTION_IMPACTS = Sheet(
    name="DisruptionImpacts",
    attr="disruption_impacts",
    required=False,
    key=(),
    description="What stays available during a disruption; the smallest availability "
    "of all matching rows wins.",
    columns=(
        Column("disruption", "ref", "Disruption id.", required=True, ref="Disruptions"),
        Column(
            "material",
            "ref",
            "Material id, or * for every material.",
            required=True,
            ref="Materials",
            star=True,
        ),
        Column("group_type", "enum", "What the group is.", required=True, choices=GROUP_TYPES),
        Column(
            "group",
            "text",
            "A country, bloc, source type, source or site id (* allowed for site).",
            required=True,
        ),
        Column(
            "availability",
            "number",
            "Share that stays available.",
            unit="share",
            required=True,
            **_FRACTION,
        ),
    ),
)

DISRUPTION_TYPES = Sheet(
    name="DisruptionTypes",
    attr="disruption_types",
    required=False,
    key=("disruption_type",),
    description="Kinds of disruption that the stress command samples: how often one starts, "
    "how long it lasts and how it moves demand and prices (the plan's solve never reads "
    "this sheet).",
    columns=(
        Column("disruption_type", "id", "Disruption type id.", required=True),
        Column(
            "probability_per_yr",
            "number",
            "Probability that a disruption of this type starts in any one year of the horizon.",
            unit="share",
            required=True,
            **_FRACTION,
        ),
        Column(
            "duration_min_years",
            "int",
            "Shortest duration; durations are drawn as whole years, each as likely.",
            unit="yr",
            required=True,
            low=1.0,
        ),
        Column(
            "duration_max_years",
            "int",
            "Longest duration (>= duration_min_years).",
            unit="yr",
            required=True,
            low=1.0,
        ),
        Column(
            "demand_multiplier_min",
            "number",
            "Lowest essential-demand multiplier (drawn uniformly between min and max).",
            unit="x",
            default=1.0,
            low=0.0,
        ),
        Column(
            "demand_multiplier_max",
            "number",
            "Highest essential-demand multiplier (>= demand_multiplier_min).",
            unit="x",
            default=1.0,
            low=0.0,
        ),
        Column(
            "price_multiplier_min",
            "number",
            "Lowest purchase-price multiplier during the disruption (drawn uniformly).",
            unit="x",
            default=1.0,
            low=0.0,
        ),
        Column(
            "price_multiplier_max",
            "number",
            "Highest purchase-price multiplier (>= price_multiplier_min).",
            unit="x",
            default=1.0,
            low=0.0,
        ),
        Column("description", "text", "Free text.", default=""),
    ),
)

DISRUPTION_TYPE_IMPACTS = Sheet(
    name="DisruptionTypeImpacts",
    attr="disruption_type_impacts",
    required=False,
    key=(),
    description="What a disruption type hits: one availability range per row, each drawn "
    "uniformly and independently; the smallest availability of all matching rows wins.",
    columns=(
        Column(
            "disruption_type", "ref", "Disruption type id.", required=True, ref="DisruptionTypes"
        ),
        Column(
            "material",
            "ref",
            "Material id, or * for every material.",
            required=True,
            ref="Materials",
            star=True,
        ),
        Column("group_type", "enum", "What the group is.", required=True, choices=GROUP_TYPES),
        Column(
            "group",
            "text",
            "A country, bloc, source type, source or site id (* allowed for site).",
            required=True,
        ),
        Column(
            "availability_min",
            "number",
            "Lowest share that stays available.",
            unit="share",
            required=True,
            **_FRACTION,
        ),
        Column(
            "availability_max",
            "number",
            "Highest share that stays available (>= availability_min).",
            unit="share",
            required=True,
            **_FRACTION,
        ),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    MATERIALS,
    COUNTRIES,
    SOURCES,
    SOURCE_OUTPUTS,
    SOURCE_CAPACITY,
    SITES,
    ROUTES,
    INITIAL_STOCK,
    TARGETS,
    BUDGET,
    RULES,
    DEMAND,
    SUPPLY_MIX,
    DISRUPTIONS,
    DISRUPTION_IMPACTS,
    DISRUPTION_TYPES,
    DISRUPTION_TYPE_IMPACTS,
)

SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}

#: Operations of a Scenarios row (see ``stockpile.scenarios.overrides``).
SCENARIO_OPS = ("set", "scale", "add", "delete_row", "add_row")

#: Separator of the parts of a two-column key in Scenarios.key ("S1|L1").
KEY_SEPARATOR = "|"

#: The optional Scenarios sheet: named what-if variants of the data sheets above. It is
#: part of the workbook (template, docs) but not of ``SHEETS``: the model's ``Inputs``
#: has no table for it; ``stockpile.scenarios`` reads and applies it.
SCENARIOS = Sheet(
    name="Scenarios",
    attr="scenarios",
    required=False,
    key=(),
    records="override",
    description="What-if scenarios: named, ordered overrides of the data sheets, applied "
    "with --scenario NAME (the model never reads this sheet).",
    columns=(
        Column("scenario", "text", "Scenario name; its rows apply in sheet order.", required=True),
        Column(
            "sheet",
            "enum",
            "The sheet the override changes.",
            required=True,
            choices=tuple(s.name for s in SHEETS),
        ),
        Column(
            "key",
            "text",
            "The row(s): the row's id, or its key columns joined by | (e.g. S1|L1); * for "
            "every row (also as one part: S1|*); Settings: the setting name.",
            required=True,
        ),
        Column(
            "column",
            "text",
            "The column to change (set, scale, add); blank for delete_row and add_row.",
            default="",
        ),
        Column("op", "enum", "What to do.", required=True, choices=SCENARIO_OPS),
        Column(
            "value",
            "text",
            "set: the new value; scale: the factor; add: the amount; add_row: the other "
            "columns as col=val; col=val; delete_row: blank.",
            default="",
        ),
        Column("note", "text", "Free text (not read).", default=""),
    ),
)

#: Sheets of our own that the reader skips silently (template help, bundled references).
INFO_SHEETS = ("README", "References", "Lists")

# Group types of Rules and DisruptionImpacts and where their group must be found.
GROUP_TARGET: dict[str, str | tuple[str, ...]] = {
    "country": "Countries",
    "source": "Sources",
    "site": "Sites",
    "bloc": BLOCS,
    "source_type": SOURCE_TYPES,
}


@dataclass(frozen=True)
class Limits:
    """Safety limits checked before any XML is parsed."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 2_000
    max_uncompressed_bytes: int = 512 * 1024 * 1024
    max_compression_ratio: float = 200.0
    # Small parts compress unevenly; the ratio is only judged above this size.
    ratio_min_bytes: int = 1024 * 1024


SAFETY_LIMITS = Limits()
