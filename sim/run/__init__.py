"""Running scenarios: ``simulate(scenario, ...) -> RunResult`` draws customers, runs the
engine and summarises each replication (:mod:`~sim.run.replications`); paired
comparisons of runs on common random numbers (:mod:`~sim.run.compare`)."""
