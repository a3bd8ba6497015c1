"""The solver wing: everything between the LP rows and a ``SolveResult``.

- ``highs``: the only code that talks to HiGHS (options, hand-over of the rows or of
  the Pyomo model, one run with its stall guard and retries, status, values and duals);
- ``iis``: HiGHS's irreducible infeasible subset, in a child process that can be
  stopped (``python -m stockpile.solver.iis``);
- ``policy``: what to do with HiGHS: solve an LP cold, re-solve variants warm (the
  ``Resolver``), diagnose an infeasible model (IIS, else an elastic solve).

Nothing here raises on an infeasible, unbounded or time-limited model: those are
answers, returned as a ``SolveResult`` with the matching status. This package file
imports nothing, so that the IIS child starts with NumPy and highspy only.
"""
