"""Altair chart builders: pure functions from data frames to ``alt.Chart``, nothing else.

One module per topic (``tokens``, ``price``, ``providers``, ``quality``, ``speed``, ``choice``). Browser-side
calculators (Vega-Lite params bound to sliders or menus, with ``transform_calculate``) keep their formulas as
module-level strings so tests can pin them to the Python formulas in ``calculators.pricing`` and
``calculators.latency``.
"""

from .render import enable as _enable_offline_renderer

# Charts displayed in a notebook draw offline on the static site (see calculators/charts/render.py).
_enable_offline_renderer()
