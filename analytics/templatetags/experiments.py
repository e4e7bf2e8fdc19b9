"""``{% experiment_variant "key" as v %}``: branch a template on the viewer's variant.

The viewer is the request's user, or the anonymous visitor's first-party id. Exposure is
recorded the first time the tag runs for them (``expose=False`` only reads the variant), so
put the tag where the variant is shown. Unknown or stopped experiments give the control (or
the winner); the tag never fails the page.
"""

from typing import Any

from django import template

from analytics.services.experiments import experiment_variant as variant_of

register = template.Library()


@register.simple_tag(takes_context=True)
def experiment_variant(context: Any, key: str, expose: bool = True) -> str:
    return variant_of(experiment_key=key, request=context.get("request"), expose=expose)
