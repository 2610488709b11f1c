"""`render_once(name)` in templates: a part that is the same on every page, rendered once.

The sidebar (profile, popular posts, tags, the archive tree) is the same on every page of
the blog; rendering it for each page was a fifth of a 1,000-post build. A part rendered this
way may use only site-wide variables (not `article`, `page`, `articles`…): it is rendered
with the first page's context and reused, per value of SITEURL (which differs between pages
with RELATIVE_URLS). With `FAST_BUILD = False` it is rendered on every page, like an include.
"""

from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from pelican import signals

from pathways.plugin_support import fast_build


def make_render_once(environment: Environment, reuse: bool) -> Any:
    rendered: dict[tuple[str, str], Markup] = {}

    @pass_context
    def render_once(context: Context, name: str) -> Markup:
        key = (name, str(context.get("SITEURL")))
        if key not in rendered or not reuse:
            template = environment.get_template(name)
            rendered[key] = Markup(template.render(context.get_all()))
        return rendered[key]

    return render_once


def _add_to_templates(generator: Any) -> None:
    environment = getattr(generator, "env", None)
    if environment is not None:
        environment.globals["render_once"] = make_render_once(
            environment, fast_build(generator.settings)
        )


def register() -> None:
    signals.generator_init.connect(_add_to_templates)
