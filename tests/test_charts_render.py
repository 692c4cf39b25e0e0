"""The offline altair renderer: what HTML it emits and what it loads from where."""

from __future__ import annotations

import json
import re

import altair as alt
import pytest

import calculators.charts  # noqa: F401 - enables the renderer
from calculators.charts import render


def _call_args(html: str) -> list:
    """The JSON arguments the chart's script passes to its function: spec, options, paths, CDN paths, base."""
    start = html.index("})(", html.index("window.llms101VegaEmbed")) + 3
    text = html[start : html.rindex(");")].replace("<\\/", "</")
    return json.loads(f"[{text}]")


def _spec_from_html(html: str) -> dict:
    return _call_args(html)[0]


@pytest.fixture
def chart():
    data = alt.Data(values=[{"x": 1, "y": 2.5}, {"x": 2, "y": 0.5}])
    tokens = alt.param(name="tokens", value=1000, bind=alt.binding_range(min=0, max=10_000, step=100))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(x="x:O", y="custo:Q")
        .transform_calculate(custo="datum.y * tokens")
        .add_params(tokens)
    )


def test_importing_charts_enables_the_renderer():
    assert alt.renderers.active == render.RENDERER_NAME


def test_chart_displays_as_our_html_with_the_full_spec(chart):
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    html = bundle["text/html"]
    assert 'class="llms101-chart"' in html
    assert _spec_from_html(html) == json.loads(json.dumps(chart.to_dict()))


def test_on_the_site_libraries_come_from_the_vendor_folder():
    html = render.chart_html({"mark": "point"}, div_id="c1")
    assert 'root + "vendor/"' in html and 'getAttribute("data-content_root")' in html
    assert '"vega/vega.min"' in html and '"vega-lite/vega-lite.min"' in html and '"vega-embed/vega-embed.min"' in html
    # The CDN is only the fallback outside the site (Colab, Binder), pinned to the same versions.
    assert f"vega@{render.VEGA_VERSION}/build/vega.min" in html
    assert "@latest" not in html and "vega@6?" not in html


def test_svg_renderer_and_options_merge():
    html = render.chart_html({"mark": "point"}, div_id="c1", embed_options={"actions": False})
    options = _call_args(html)[1]
    assert options["renderer"] == "svg" and options["actions"] is False and options["mode"] == "vega-lite"


def test_script_end_tags_in_labels_cannot_break_out(chart):
    spec = {"mark": "text", "encoding": {"text": {"value": "</script><b>x</b>"}}}
    html = render.chart_html(spec, div_id="c1")
    assert html.count("</script>") == 1  # only the renderer's own
    assert _spec_from_html(html) == spec


def test_kernel_base_url_from_environment(monkeypatch):
    monkeypatch.setenv(render.BASE_URL_ENV, "/files/_build/_vendor/vendor/")
    assert '"/files/_build/_vendor/vendor/")' in render.chart_html({"mark": "point"}, div_id="c1")
    monkeypatch.delenv(render.BASE_URL_ENV)
    assert ", null);" in render.chart_html({"mark": "point"}, div_id="c1")


def test_div_ids_are_unique_per_display():
    a = render.chart_html({"mark": "point"})
    b = render.chart_html({"mark": "point"})
    ids = [re.search(r'<div id="([^"]+)"', h).group(1) for h in (a, b)]
    assert ids[0] != ids[1]
