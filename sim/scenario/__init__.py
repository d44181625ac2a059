"""The scenario model: typed, validated, immutable description of a hall (categories,
window groups, authorisation, schedules, mechanisms, back office) and its loading from
YAML (:func:`~sim.scenario.model.load_scenario`)."""
