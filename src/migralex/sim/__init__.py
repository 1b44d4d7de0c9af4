"""The population simulator: every applicant through the Pact, day by day, with uncertainty.

`run_scenario(name_or_spec, days, seed, runs, progress_callback)` → `SimulationResult` (summary,
tables with bands, flows for a Sankey diagram, Parquet files); scenarios are YAML overlays
(`load_scenario`, `scenario_names`). See docs/simulator.md.
"""

from migralex.sim.montecarlo import run_scenario
from migralex.sim.results import SimulationResult
from migralex.sim.scenario import Scenario, load_scenario, scenario_names

__all__ = ["Scenario", "SimulationResult", "load_scenario", "run_scenario", "scenario_names"]
