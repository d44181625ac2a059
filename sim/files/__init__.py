"""Input and output files shared by every layer: safe YAML reading within documented
limits (:mod:`~sim.files.yaml_reader`, :mod:`~sim.files.limits`), the bad-input error
(:mod:`~sim.files.errors`) and atomic writes (:mod:`~sim.files.atomic`)."""
