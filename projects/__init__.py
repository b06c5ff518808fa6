"""Sub-project workspaces per unit, shared products and the compiled final report."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the area's blueprint, menu items, home-page panels, CLI and demo data."""
    from flask_babel import lazy_gettext as _l

    import projects.models  # noqa: F401  (register the tables with the metadata)
    from circle.hooks import (
        register_demo_loader,
        register_file_consumer,
        register_home_panel,
        register_nav_item,
    )
    from circle.tasks import register_task_source
    from projects.demo import load_all as load_demo_projects
    from projects.panels import home_panel
    from projects.services.files import PROJECT_FILES, file_ready, file_refused
    from projects.subjects import register_subjects
    from projects.tasks import my_plan_items
    from projects.views import load_views

    app.register_blueprint(load_views())
    register_nav_item(app, 30, "projects.index", _l("Prosjekter"))
    register_home_panel(app, 20, home_panel)
    register_demo_loader(app, load_demo_projects)
    from projects.search import register_search

    register_search(app)
    register_subjects(app)
    register_file_consumer(app, PROJECT_FILES, on_ready=file_ready, on_refused=file_refused)
    register_task_source(app, my_plan_items)
