"""``hallsim serve``: the planner's web application (optional extra ``[web]``, NiceGUI).

The layer beside :mod:`sim.cli` at the top: it calls the same functions as the
verbs, runs long work in worker processes (:mod:`sim.web.jobs`), and keeps
scenarios and results in a workspace directory (:mod:`sim.web.workspace`).
Nothing below it imports it (import-linter).
"""
