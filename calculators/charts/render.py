"""An altair renderer that draws charts offline on the course's static site.

Altair's own HTML output loads vega, vega-lite and vega-embed from a CDN, which the static site must never do. This
renderer ("llms101") emits HTML whose script picks where to load them from, in the reader's browser:

1. on a page of the built book (Sphinx marks its pages with ``<html data-content_root="../">``): the site's own
   ``vendor/`` folder, which the Makefile fills from pinned npm tarballs (``tools/vendor.json``);
2. elsewhere, if the kernel had ``LLMS101_VEGA_BASE_URL`` set (``make lab`` sets it to the staged vendor folder,
   so JupyterLab draws charts offline too): that URL;
3. otherwise (Colab, Binder): the same pinned versions from the jsDelivr CDN, as altair itself would.

It is enabled on ``import calculators.charts``; charts are drawn as SVG, so tests can read their text and marks.
Per-chart vega-embed options can go in ``chart.properties(usermeta={"embedOptions": {...}})``; for Brazilian
number formatting (``0,12``, ``US$ 1.234,50``) use ``{"formatLocale": PT_BR_FORMAT_LOCALE}`` there.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from typing import Any

import altair as alt

RENDERER_NAME = "llms101"

# Pinned to tools/vendor.json (a test checks they agree).
VEGA_VERSION = "6.2.0"
VEGALITE_VERSION = "6.4.1"
VEGAEMBED_VERSION = "7.1.0"

# Where each library sits below the site's vendor/ folder, without ".js" (RequireJS style).
VENDOR_PATHS = {
    "vega": "vega/vega.min",
    "vega-lite": "vega-lite/vega-lite.min",
    "vega-embed": "vega-embed/vega-embed.min",
}
CDN_PATHS = {
    "vega": f"https://cdn.jsdelivr.net/npm/vega@{VEGA_VERSION}/build/vega.min",
    "vega-lite": f"https://cdn.jsdelivr.net/npm/vega-lite@{VEGALITE_VERSION}/build/vega-lite.min",
    "vega-embed": f"https://cdn.jsdelivr.net/npm/vega-embed@{VEGAEMBED_VERSION}/build/vega-embed.min",
}
BASE_URL_ENV = "LLMS101_VEGA_BASE_URL"

DEFAULT_EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

# d3-format locale for Brazilian Portuguese, with the course's "US$" for the currency format ("$,.2f").
PT_BR_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["US$ ", ""]}

_counter = itertools.count(1)

_TEMPLATE = """<div id="{div_id}" class="llms101-chart"></div>
<script type="text/javascript">
(function (spec, embedOpt, vendorPaths, cdnPaths, kernelBase) {{
  var el = document.getElementById("{div_id}");
  function fail(err) {{
    el.classList.add("llms101-chart-error");
    el.textContent = "Não foi possível desenhar o gráfico: " + err;
    console.error("llms101 chart {div_id}:", err);
  }}
  function urls() {{
    var root = document.documentElement.getAttribute("data-content_root");
    var base = root !== null ? root + "vendor/" : kernelBase;
    var out = {{}};
    for (var k in vendorPaths) {{ out[k] = base !== null ? base + vendorPaths[k] : cdnPaths[k]; }}
    return out;
  }}
  function loadScript(src) {{
    return new Promise(function (resolve, reject) {{
      var s = document.createElement("script");
      s.src = src + ".js";
      s.async = false;
      s.onload = resolve;
      s.onerror = function () {{ reject(new Error("could not load " + s.src)); }};
      document.head.appendChild(s);
    }});
  }}
  function loadVegaEmbed() {{
    if (window.vegaEmbed) {{ return Promise.resolve(window.vegaEmbed); }}
    var paths = urls();
    if (typeof define === "function" && define.amd && typeof requirejs === "function") {{
      requirejs.config({{ paths: paths }});
      return new Promise(function (resolve, reject) {{ require(["vega-embed"], resolve, reject); }});
    }}
    return loadScript(paths["vega"])
      .then(function () {{ return loadScript(paths["vega-lite"]); }})
      .then(function () {{ return loadScript(paths["vega-embed"]); }})
      .then(function () {{ return window.vegaEmbed; }});
  }}
  window.llms101VegaEmbed = window.llms101VegaEmbed || loadVegaEmbed();
  window.llms101VegaEmbed
    .then(function (vegaEmbed) {{ return vegaEmbed(el, spec, embedOpt); }})
    .then(function () {{ el.setAttribute("data-llms101-drawn", "true"); }})
    .catch(function (err) {{ window.llms101VegaEmbed = null; fail(err && err.message ? err.message : err); }});
}})({spec}, {embed_opt}, {vendor_paths}, {cdn_paths}, {kernel_base});
</script>"""


def _json(value: Any) -> str:
    # "</" would end the <script> element early if a label contained it.
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def chart_html(spec: dict, *, embed_options: dict | None = None, div_id: str | None = None) -> str:
    """HTML that draws a Vega-Lite spec with vega-embed, loading the libraries as the module docstring says.

    Example: chart_html({"mark": "point"}, div_id="c1") starts with '<div id="c1" class="llms101-chart">'
    """
    if div_id is None:
        digest = hashlib.sha1(_json(spec).encode()).hexdigest()[:10]
        div_id = f"llms101-chart-{digest}-{next(_counter)}"
    options = {**DEFAULT_EMBED_OPTIONS, "mode": "vega-lite", **(embed_options or {})}
    kernel_base = os.environ.get(BASE_URL_ENV) or None
    return _TEMPLATE.format(
        div_id=div_id,
        spec=_json(spec),
        embed_opt=_json(options),
        vendor_paths=_json(VENDOR_PATHS),
        cdn_paths=_json(CDN_PATHS),
        kernel_base=_json(kernel_base),
    )


def renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    """The altair renderer: a mimebundle with our HTML (and a plain-text stand-in)."""
    embed_options = metadata.get("embed_options")
    return {
        "text/html": chart_html(spec, embed_options=embed_options),
        "text/plain": "<Vega-Lite chart: open the page in a browser to see it>",
    }


def enable() -> None:
    """Register and enable the "llms101" renderer (idempotent)."""
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, renderer)
    alt.renderers.enable(RENDERER_NAME)
