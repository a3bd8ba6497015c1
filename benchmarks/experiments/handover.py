"""Prototype faster paths from Pyomo to HiGHS and check that results map back.

    python benchmarks/experiments/handover.py --sizes M,L [--paths all] [--repeat 1]

Paths (each run in a fresh process per size, so garbage-collector state and peak
memory never carry over):

  contrib   build_model + Pyomo's persistent HiGHS interface (pyomo.contrib.solver
            'highs': set_instance walks every constraint and adds columns one
            constraint at a time): solve_model until d25f427, interface="pyomo" since
  appsi     build_model + pyomo.contrib.appsi.solvers.highs.Highs.set_instance
  stdform   build_model + pyomo.repn.plugins.standard_form.LinearStandardFormCompiler
            (mixed_form) + highspy passModel. Needs scipy, which stockpile does not
            depend on: run with PYTHONPATH pointing at a scipy install (--scipy DIR).
  repn      build_model + our own compile loop over pyomo.repn.linear
            .LinearRepnVisitor (the walker the standard-form compiler uses) into
            CSR lists + passModel. numpy only.
  fast      fast_build.build_model_fast (LinearExpression bodies, float coefficients,
            VarData dicts) + the repn compile loop.
  capture   build_model_fast(capture=True): rows are recorded while built, so the
            handover is one passModel of ready arrays; no expression is walked.
  rows      the same rows with no Pyomo component at all: the floor under any
            Pyomo-based build (what a lazily built Pyomo model would cost when only
            HiGHS needs the LP).

Paths of the model as rows (stockpile d25f427 on: formulate -> LP rows, build_model
makes the Pyomo constraints from them, the rows are handed over directly):

  direct    pipeline.solve_inputs from d25f427 until the solver wing: formulate +
            build_model, then handover_direct + solve_handover
  lp-only   formulate + handover_direct + solve_handover, no Pyomo model at all
            (read_solution and the diagnosis only need the rows): pipeline.solve_inputs
            since the solver wing

Times are CPU seconds of this process (time.process_time), the fastest of --repeat
fresh runs: the benchmark machine is shared, and CPU time is what a busy machine
inflates least. HiGHS's own run is timed the same way (HiGHS's simplex is serial).

For every path: build, handover, HiGHS's run time, extract (values and duals by
variable/constraint index, the five objective parts), and checks that the values
and duals map back correctly:
  - objective equal to today's path;
  - values and duals equal to today's path by (variable, index) / (family, index)
    (they are when HiGHS lands on the same vertex; when it does not, the two
    checks below still hold);
  - the mapped plan is feasible under tests/oracle.py's independent checker;
  - strong duality with the mapped duals and the *independent* row limits of
    tests/oracle.py (model_rows): sum_r dual_r * active limit_r == objective,
    and every dual has the sign its row's sense requires. A wrong row mapping
    breaks this.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PATHS = ("contrib", "appsi", "stdform", "repn", "fast", "capture", "rows")
#: paths of the model as rows (commit d25f427 on): stockpile.model.formulate + solve
HEAD_PATHS = ("direct", "lp-only")
FAMILIES = (
    "output_split",
    "source_capacity",
    "stock_balance",
    "site_capacity",
    "stock_target",
    "budget",
    "sourcing_rule",
    "site_dispersion",
    "disruption_cover",
    "coverage_floor",
)
VARIABLES = ("Buy", "Ship", "Surplus", "Stock", "Unmet")
PARTS = ("purchase", "transport", "holding", "resale", "shortfall_penalty")


def _tuple(idx):
    return idx if isinstance(idx, tuple) else (idx,)


# --- handing a compiled LP to HiGHS and reading it back ---------------------------


def _pass(n_col, cost, col_lower, col_upper, start, index, value, row_lower, row_upper, offset):
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.offset_ = float(offset)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=np.float64)
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = len(row_lower)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    return h


def _var_bounds(columns):
    inf = float("inf")
    lower = [(-inf if v.lb is None else v.lb) for v in columns]
    upper = [(inf if v.ub is None else v.ub) for v in columns]
    return lower, upper


def compile_repn(model):
    """Our compile loop: LinearRepnVisitor per constraint -> CSR lists -> HiGHS."""
    import pyomo.environ as pyo
    from pyomo.repn.linear import LinearRepnVisitor

    inf = float("inf")
    # Columns in order of first appearance, as the persistent interface numbers them:
    # HiGHS then gets the very same LP and returns the very same vertex.
    col_of: dict[int, int] = {}
    visitor = LinearRepnVisitor({})
    var_of = visitor.var_recorder.var_map  # id -> VarData of every variable seen
    start, index, value, lower, upper, rows = [0], [], [], [], [], []
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        repn = visitor.walk_expression(body)
        if repn.nonlinear is not None:
            raise ValueError(f"{con.name} is not linear")
        for vid, coef in repn.linear.items():
            j = col_of.get(vid)
            if j is None:
                j = col_of[vid] = len(col_of)
            if coef:
                index.append(j)
                value.append(coef)
        start.append(len(index))
        lower.append(-inf if lb is None else lb - repn.constant)
        upper.append(inf if ub is None else ub - repn.constant)
        rows.append(con)
    obj = next(model.component_data_objects(pyo.Objective, active=True))
    orepn = visitor.walk_expression(obj.expr)
    for vid in orepn.linear:
        col_of.setdefault(vid, len(col_of))
    columns = [var_of[vid] for vid in col_of]
    cost = [0.0] * len(columns)
    for vid, coef in orepn.linear.items():
        cost[col_of[vid]] += coef
    col_lower, col_upper = _var_bounds(columns)
    h = _pass(
        len(columns), cost, col_lower, col_upper, start, index, value, lower, upper, orepn.constant
    )
    return h, columns, [(con, 1) for con in rows]


def compile_stdform(model):
    """Pyomo's LinearStandardFormCompiler (mixed form keeps one row per constraint)."""
    import highspy
    import numpy as np
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    inf = highspy.kHighsInf
    lower, upper = [], []
    for (_con, kind), rhs in zip(info.rows, info.rhs, strict=True):
        # mixed form: 0 is "==", 1 is "<=", -1 is ">=" (rows are not negated)
        lower.append(rhs if kind <= 0 else -inf)
        upper.append(rhs if kind >= 0 else inf)
    A = info.A.tocsr()
    cost = np.asarray(info.c.todense()).ravel() if info.c.shape[0] else np.zeros(A.shape[1])
    col_lower, col_upper = _var_bounds(info.columns)
    h = _pass(
        A.shape[1],
        cost,
        col_lower,
        col_upper,
        A.indptr,
        A.indices,
        A.data,
        lower,
        upper,
        info.c_offset[0] if len(info.c_offset) else 0.0,
    )
    rows = [(r.constraint, 1) for r in info.rows]
    return h, info.columns, rows


def compile_capture(model):
    st = model.row_store
    if st.cols is None:  # rows only: every variable of MODEL.md is >= 0
        col_lower, col_upper = [0.0] * len(st.columns), [float("inf")] * len(st.columns)
    else:
        col_lower, col_upper = _var_bounds(st.columns)
    h = _pass(
        len(st.columns),
        st.cost,
        col_lower,
        col_upper,
        st.start,
        st.index,
        st.value,
        st.lower,
        st.upper,
        0.0,
    )
    return h, st.columns, None


def read_back(h, model, columns, rows, parts_by_col=None):
    """Values and duals by index, like stockpile.solver.highs.read_solution, plus the parts."""
    import numpy as np
    import pyomo.environ as pyo
    from pyomo.repn.linear import LinearRepnVisitor

    sol = h.getSolution()
    x = np.asarray(sol.col_value)
    values = {}
    if getattr(model, "col_keys", None) is not None:  # rows only: columns are keys
        values = {name: {} for name in VARIABLES}
        for (name, key), val in zip(model.col_keys, x.tolist(), strict=True):
            values[name][key] = val
    col_of = {id(v): j for j, v in enumerate(columns)} if not values else {}
    for name in VARIABLES if not values else ():
        comp = getattr(model, name)
        vals = {}
        for idx, var in comp.items():
            j = col_of.get(id(var))
            val = float(x[j]) if j is not None else 0.0
            vals[_tuple(idx)] = val
            var.set_value(val, skip_validation=True)
        values[name] = vals
    row_dual = np.asarray(sol.row_dual)
    row_value = np.asarray(sol.row_value)
    duals, bodies = {f: {} for f in FAMILIES}, {f: {} for f in FAMILIES}
    if rows is None:  # captured: the row store holds (family, index) per row
        for i, (fam, key) in enumerate(model.row_store.keys):
            duals[fam][key] = float(row_dual[i])
            bodies[fam][key] = float(row_value[i])
    else:
        for i, (con, mult) in enumerate(rows):
            fam = con.parent_component().name
            key = _tuple(con.index())
            duals[fam][key] = duals[fam].get(key, 0.0) + mult * float(row_dual[i])
            bodies[fam][key] = float(row_value[i])
    parts = {}
    if parts_by_col is not None:  # (col, coef) lists recorded at build time
        for name in PARTS:
            parts[name] = float(sum(c * x[j] for j, c in parts_by_col[name]))
    else:  # compile each named part once to a coefficient vector, then dot with x
        visitor = LinearRepnVisitor({})
        for name in PARTS:
            repn = visitor.walk_expression(getattr(model, name).expr)
            parts[name] = repn.constant + sum(c * x[col_of[v]] for v, c in repn.linear.items())
    del pyo
    return values, duals, bodies, parts


# --- one path at one size, in this process -----------------------------------------


def run_path(path: str, size: str) -> dict:
    sys.path.insert(0, str(HERE))
    from _common import params_for

    params = params_for(size)
    # Import everything up front: no path pays for an import inside a timed phase.
    import highspy  # noqa: F401
    import pyomo.environ  # noqa: F401
    from fast_build import build_model_fast
    from pyomo.contrib.solver.solvers.highs import Highs
    from pyomo.repn.linear import LinearRepnVisitor  # noqa: F401

    from stockpile.model import build_model
    from stockpile.solver.highs import SolveOptions
    from stockpile.solver.policy import solve_lp

    if path == "appsi":
        from pyomo.contrib.appsi.solvers.highs import Highs as AppsiHighs
    if path == "stdform":
        from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler  # noqa: F401
    gc.collect()
    out: dict = {"path": path, "size": size}

    if path in HEAD_PATHS:
        return _run_head(path, params, out)

    tick, cpu = time.perf_counter(), time.process_time()
    if path in ("fast", "capture", "rows"):
        model = build_model_fast(params, capture=path == "capture", pyomo=path != "rows")
    else:
        model = build_model(params)
    out["build_wall_s"] = time.perf_counter() - tick
    out["build_s"] = time.process_time() - cpu

    if path == "contrib":
        # Time set_instance (the "handover" of interface="pyomo") and HiGHS's run on
        # their own, then let solve_lp (a fresh direct hand-over) produce values and duals.
        opt = Highs()
        tick, cpu = time.perf_counter(), time.process_time()
        opt.set_instance(model)
        out["handover_wall_s"] = time.perf_counter() - tick
        out["handover_s"] = time.process_time() - cpu
        h = opt._solver_model
        h.setOptionValue("output_flag", False)
        cpu = time.process_time()
        h.run()
        out["solve_s"] = time.process_time() - cpu
        out["solve_highs_s"] = h.getRunTime()
        out["peak_rss_mb"] = _maxrss_mb()
        del opt, h
        res = solve_lp(model.lp, SolveOptions())
        out.update(
            extract_s=res.timings["extract"],  # wall: solve_lp's own timer
            status=res.status,
            objective=res.objective_usd,
            **res.counts,
        )
        values = res.values
        duals = {f: {k: v.dual for k, v in rows.items()} for f, rows in res.rows.items()}
        parts = {p: res.parts[f"{p}_usd"] for p in PARTS}
        return _finish(out, params, values, duals, parts)

    if path == "appsi":
        opt = AppsiHighs()
        opt.config.load_solution = False
        tick, cpu = time.perf_counter(), time.process_time()
        opt.set_instance(model)
        out["handover_wall_s"] = time.perf_counter() - tick
        out["handover_s"] = time.process_time() - cpu
        h = opt._solver_model
        var_map = opt._pyomo_var_to_solver_var_map
        by_id = {id(v): v for v in _all_vars(model)}
        columns = [None] * h.getNumCol()
        for vid, j in var_map.items():
            columns[j] = by_id[vid]
        rows = [None] * h.getNumRow()
        for con, i in opt._pyomo_con_to_solver_con_map.items():
            rows[i] = (con, 1)
    else:
        compile_ = {"stdform": compile_stdform, "repn": compile_repn, "fast": compile_repn}
        tick, cpu = time.perf_counter(), time.process_time()
        h, columns, rows = compile_.get(path, compile_capture)(model)
        out["handover_wall_s"] = time.perf_counter() - tick
        out["handover_s"] = time.process_time() - cpu
    h.setOptionValue("output_flag", False)
    cpu = time.process_time()
    h.run()
    out["solve_s"] = time.process_time() - cpu
    out["solve_highs_s"] = h.getRunTime()
    out["status"] = h.modelStatusToString(h.getModelStatus())
    out["variables"], out["constraints"] = h.getNumCol(), h.getNumRow()

    cpu = time.process_time()
    store = getattr(model, "row_store", None)
    values, duals, _bodies, parts = read_back(
        h, model, columns, rows, store.parts if store is not None else None
    )
    out["extract_s"] = time.process_time() - cpu
    out["objective"] = (
        parts["purchase"]
        + parts["transport"]
        + parts["holding"]
        - parts["resale"]
        + parts["shortfall_penalty"]
    )
    out["highs_objective"] = h.getInfo().objective_function_value
    return _finish(out, params, values, duals, parts)


def _run_head(path: str, params, out: dict) -> dict:
    from stockpile.model import build_model, formulate
    from stockpile.solver.highs import SolveOptions, handover_direct
    from stockpile.solver.policy import solve_handover

    cpu = time.process_time()
    lp = formulate(params)
    out["formulate_s"] = time.process_time() - cpu
    if path == "direct":
        cpu = time.process_time()
        build_model(params, lp)
        out["pyomo_build_s"] = time.process_time() - cpu
    out["build_s"] = out["formulate_s"] + out.get("pyomo_build_s", 0.0)
    out["peak_rss_after_build_mb"] = _maxrss_mb()
    cpu = time.process_time()
    ho = handover_direct(lp)
    out["handover_s"] = time.process_time() - cpu
    cpu = time.process_time()
    res = solve_handover(ho, SolveOptions())
    out["solve_s"] = time.process_time() - cpu - res.timings["extract"]
    out["solve_highs_s"] = res.timings["solve"]
    out["extract_s"] = res.timings["extract"]  # wall: solve_handover's own timer
    out.update(status=res.status, objective=res.objective_usd, **res.counts)
    values = res.values
    duals = {f: {k: v.dual for k, v in rows.items()} for f, rows in res.rows.items()}
    parts = {p: res.parts[f"{p}_usd"] for p in PARTS}
    return _finish(out, params, values, duals, parts)


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _all_vars(model):
    import pyomo.environ as pyo

    return model.component_data_objects(pyo.Var, descend_into=True)


def _finish(out, params, values, duals, parts):
    out["nnz"] = None
    out["_values"], out["_duals"], out["_parts"] = values, duals, parts
    return out


# --- checks (in the parent, against the reference path) ------------------------------


def independent_checks(inputs, res) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from oracle import check_plan, model_rows

    plan = {
        "buy": res["_values"]["Buy"],
        "ship": res["_values"]["Ship"],
        "surplus": res["_values"]["Surplus"],
        "stock": res["_values"]["Stock"],
        "unmet": res["_values"]["Unmet"],
    }
    violations = check_plan(inputs, plan, tol=1e-6)
    rows = model_rows(inputs)
    dual_obj, wrong_sign, missing = 0.0, 0, 0
    scale = max(1.0, abs(res["objective"]))
    for (fam, key), (_terms, lo, up) in rows.items():
        y = res["_duals"].get(fam, {}).get(_tuple(key))
        if y is None:
            missing += 1
            continue
        tol = 1e-7 * scale
        if (y > tol and lo is None) or (y < -tol and up is None):
            wrong_sign += 1
        if y > 0 and lo is not None:
            dual_obj += y * lo
        elif y < 0 and up is not None:
            dual_obj += y * up
    return {
        "plan_violations": len(violations),
        "dual_wrong_sign": wrong_sign,
        "dual_rows_missing": missing,
        "strong_duality_rel_gap": abs(dual_obj - res["objective"]) / scale,
    }


def compare(ref, res) -> dict:
    def max_diff(a, b):
        worst = 0.0
        for name, block in a.items():
            other = b.get(name, {})
            for key, va in block.items():
                vb = other.get(key)
                if va is None or vb is None:
                    if va != vb:
                        worst = math.inf
                    continue
                worst = max(worst, abs(va - vb) / max(1.0, abs(va)))
        return worst

    return {
        "objective_rel_diff": abs(res["objective"] - ref["objective"]) / abs(ref["objective"]),
        "values_max_rel_diff": max_diff(ref["_values"], res["_values"]),
        "duals_max_rel_diff": max_diff(ref["_duals"], res["_duals"]),
    }


# --- orchestration --------------------------------------------------------------------


def _worker(path: str, size: str, env: dict) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as fh:
        dump = fh.name
    try:
        cmd = [sys.executable, __file__, "--worker", path, size, dump]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        with open(dump, "rb") as fh:
            return pickle.load(fh)
    finally:
        os.unlink(dump)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="M,L")
    ap.add_argument("--paths", default="all")
    ap.add_argument("--scipy", default=None, help="folder with scipy, for the stdform path")
    ap.add_argument("--check", action="store_true", help="independent checks (slow at L)")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--repeat", type=int, default=1, help="fresh runs per path; min time")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        path, size, dump = args.worker
        res = run_path(path, size)
        res.setdefault("peak_rss_mb", _maxrss_mb())
        with open(dump, "wb") as fh:
            pickle.dump(res, fh)
        return

    paths = PATHS if args.paths == "all" else tuple(args.paths.split(","))
    summary = []
    for size in args.sizes.split(","):
        ref = None
        inputs = None
        for path in paths:
            env = dict(os.environ)
            if path == "stdform":
                if not args.scipy:
                    print(f"{size} {path}: skipped (needs --scipy DIR)", flush=True)
                    continue
                env["PYTHONPATH"] = os.pathsep.join(
                    filter(None, [args.scipy, env.get("PYTHONPATH")])
                )
            runs = [_worker(path, size, env) for _ in range(args.repeat)]
            res = runs[0]
            for key in res:  # timings: the fastest of the repeats (a busy machine only adds)
                if key.endswith("_s") and res[key] is not None:
                    res[key] = min(r[key] for r in runs)
            if path == "contrib" or ref is None:
                ref = res
            row = {k: v for k, v in res.items() if not k.startswith("_")}
            row.update(compare(ref, res))
            if args.check:
                if inputs is None:
                    sys.path.insert(0, str(HERE))
                    from _common import load_generator

                    inputs = load_generator().generate(size)
                row.update(independent_checks(inputs, res))
            summary.append(row)
            print(
                f"{size:>2} {path:<8} cpu s: build {row['build_s']:6.2f}"
                f"  handover {row['handover_s']:6.2f}  solve {row['solve_s']:6.2f}"
                f"  extract {row['extract_s']:5.2f}  | peak {row['peak_rss_mb']:5.0f} MB"
                f"  obj diff {row['objective_rel_diff']:.0e}"
                f"  values diff {row['values_max_rel_diff']:.0e}"
                f"  duals diff {row['duals_max_rel_diff']:.0e}"
                + (
                    f"  violations {row['plan_violations']}  sign {row['dual_wrong_sign']}"
                    f"  missing {row['dual_rows_missing']}"
                    f"  duality gap {row['strong_duality_rel_gap']:.0e}"
                    if args.check
                    else ""
                ),
                flush=True,
            )
    args.out.write_text(json.dumps(summary, indent=1, default=str))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
