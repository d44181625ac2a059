"""The application as NiceGUI's test client starts it (``user_simulation(main_file=...)``):
the workspace comes from ``HALLSIM_TEST_WORKSPACE``."""

import os

from nicegui import ui

from sim.web.app import create_app

create_app(os.environ["HALLSIM_TEST_WORKSPACE"])
ui.run(language="zh-CN")
