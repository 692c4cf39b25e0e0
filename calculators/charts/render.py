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

Once a chart is drawn, the script also makes it fit its column and readable without sight (the chart builders say
how, in ``usermeta`` written by ``base.layout_meta``; ``tests/site/test_phone_layout.py`` and
``test_accessibility.py`` check the result):

- width: a chart of ``width: "container"`` is laid out again until its labels fit (Vega sizes it in one pass, from
  where the labels were before it shrank); a concatenated chart, which Vega-Lite cannot size to its container, has
  its views' widths shrunk until it fits. Under ``base.NARROW_PX`` of container (a phone) the chart's ``narrow``
  layout is merged into its spec before it is drawn (taller rows for two-line labels);
- screen readers: the SVG becomes an image (``role="img"``) named by the chart's title and its one-sentence
  ``description``; a chart with a ``table`` gets a visually hidden table of the rows it draws, kept in step with its
  sliders and menus; the actions button gets a name.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from typing import Any

import altair as alt

from .base import NARROW_PX

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
    # The actions menu in the reader's language (its button's accessible name is set by the page's script).
    "i18n": {
        "CLICK_TO_VIEW_ACTIONS": "Salvar o gráfico",
        "PNG_ACTION": "Salvar como PNG",
        "SVG_ACTION": "Salvar como SVG",
        "COMPILED_ACTION": "Ver o Vega compilado",
        "EDITOR_ACTION": "Abrir no Vega Editor",
        "SOURCE_ACTION": "Ver a especificação",
    },
}

# d3-format locale for Brazilian Portuguese, with the course's "US$" for the currency format ("$,.2f").
PT_BR_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["US$ ", ""]}

_counter = itertools.count(1)

_TEMPLATE = """<div id="{div_id}" class="llms101-chart" style="width: 100%"></div>
<script type="text/javascript">
(function (spec, embedOpt, vendorPaths, cdnPaths, kernelBase) {{
  var el = document.getElementById("{div_id}");
  var NARROW_PX = {narrow_px}, ACTIONS_PX = 38, MIN_WIDTH = 120;
  var SR_ONLY = "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;" +
    "clip:rect(0,0,0,0);white-space:nowrap;border:0";
  var meta = (spec.usermeta && spec.usermeta.llms101) || {{}};
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
  // The width the chart may draw in: the container's, less the actions button's margin.
  function roomPx() {{
    var style = getComputedStyle(el);
    var padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    if (!el.classList.contains("has-actions") && embedOpt.actions !== false) {{ padding += ACTIONS_PX; }}
    return el.clientWidth - padding;
  }}
  // A phone: merge the chart's narrow layout (usermeta.llms101.narrow) into the spec; lists merge item by item.
  function merge(target, patch) {{
    Object.keys(patch).forEach(function (key) {{
      var p = patch[key], t = target[key];
      if (p !== null && typeof p === "object" && t !== null && typeof t === "object") {{ merge(t, p); }}
      else {{ target[key] = p; }}
    }});
    return target;
  }}
  function debounce(fn) {{
    var timer = null;
    return function () {{ clearTimeout(timer); timer = setTimeout(fn, 80); }};
  }}
  // Concatenated charts cannot take Vega-Lite's width "container": shrink their views' widths until they fit.
  // The widths are the compiled spec's "width" (views of one width share it) or its "concat_<i>_width" signals.
  function fitConcat(view, compiled) {{
    var sized = [];
    if (!(spec.vconcat || spec.hconcat || spec.concat)) {{ return Promise.resolve(); }}
    if (typeof compiled.width === "number") {{ sized.push(["width", compiled.width]); }}
    (compiled.signals || []).forEach(function (signal) {{
      if (/^concat_[0-9]+_width$/.test(signal.name) && typeof signal.value === "number") {{
        sized.push([signal.name, signal.value]);
      }}
    }});
    function shrink(round) {{
      var svg = el.querySelector(".chart-wrapper svg");
      var over = svg ? svg.getBoundingClientRect().width - roomPx() : 0;
      if (!sized.length || roomPx() <= 0 || over <= 0.5 || round > 3) {{ return Promise.resolve(); }}
      var share = spec.hconcat ? over / sized.length : over;
      sized.forEach(function (entry) {{
        view.signal(entry[0], Math.max(MIN_WIDTH, Math.floor(view.signal(entry[0]) - share)));
      }});
      return view.runAsync().then(function () {{ return shrink(round + 1); }});
    }}
    function refit() {{
      sized.forEach(function (entry) {{ view.signal(entry[0], entry[1]); }});
      return view.runAsync().then(function () {{ return shrink(0); }});
    }}
    if (sized.length) {{ window.addEventListener("resize", debounce(refit)); }}
    return shrink(0);
  }}
  // Vega sizes a "container"-wide chart in one pass, from where its labels were before the pass: a label past the
  // end of a bar, which moves as the bars shrink, can end up outside the drawing. Re-run the layout until it holds.
  function settle(view) {{
    var autosize = view.signal("autosize") || {{}};
    if (String(autosize.type || autosize).indexOf("fit") !== 0) {{ return Promise.resolve(); }}
    function pass(round) {{
      var before = view.width();
      return view.resize().runAsync().then(function () {{
        return Math.abs(view.width() - before) > 0.5 && round < 4 ? pass(round + 1) : null;
      }});
    }}
    return pass(0);
  }}
  function titleOf(svg) {{
    var text = svg && svg.querySelector(".role-title-text text");
    if (!text) {{ return ""; }}
    var lines = text.querySelectorAll("tspan");
    var parts = Array.prototype.map.call(lines, function (t) {{ return t.textContent; }});
    return (parts.length ? parts.join(" ") : text.textContent).trim();
  }}
  function shown(value) {{
    if (value === null || value === undefined) {{ return "sem dado"; }}
    if (typeof value === "number") {{
      if (!isFinite(value)) {{ return "sem dado"; }}
      var digits = Math.abs(value) < 1 ? {{ maximumSignificantDigits: 3 }} : {{ maximumFractionDigits: 2 }};
      return value.toLocaleString("pt-BR", digits);
    }}
    return String(value).replace(/\\n/g, " ");
  }}
  // The drawn rows: the items of every mark whose data has all the fields (a bar and its label are one row; a row
  // with no bar, "sem dado", still has its label), in reading order (top to bottom, then left to right).
  function drawnRows(view, fields) {{
    var rows = [], seen = {{}};
    function walk(mark, ox, oy) {{
      if (!mark || !mark.items) {{ return; }}
      mark.items.forEach(function (item) {{
        if (mark.marktype === "group") {{
          (item.items || []).forEach(function (child) {{ walk(child, ox + (item.x || 0), oy + (item.y || 0)); }});
          return;
        }}
        var datum = item.datum;
        if (!datum || !fields.every(function (f) {{ return f in datum; }})) {{ return; }}
        var cells = fields.map(function (f) {{ return shown(datum[f]); }});
        var key = cells.join("\\u0000");
        if (seen[key]) {{ return; }}
        seen[key] = true;
        rows.push({{ cells: cells, x: ox + (item.x || 0), y: oy + (item.y || 0) }});
      }});
    }}
    walk(view.scenegraph().root, 0, 0);
    return rows.sort(function (a, b) {{ return a.y - b.y || a.x - b.x; }});
  }}
  // For screen readers: the drawing (the SVG; the chart's controls are beside it) is an image named by its title
  // and one-sentence summary (spec.description), followed by a visually hidden table of the drawn rows where the
  // chart asks for one (usermeta.llms101.table). Vega's own labels on the container move to the SVG.
  function describe(view) {{
    var wrapper = el.querySelector(".chart-wrapper");
    var svg = el.querySelector(".chart-wrapper svg");
    var title = titleOf(svg);
    if (wrapper) {{
      ["role", "aria-label", "aria-roledescription"].forEach(function (a) {{ wrapper.removeAttribute(a); }});
    }}
    if (svg) {{
      var label = title && spec.description ? title + (/[.?!:]$/.test(title) ? " " : ". ") + spec.description
        : title || spec.description || "gráfico";
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", label);
    }}
    var summary = el.querySelector("details > summary");
    if (summary) {{ summary.setAttribute("aria-label", "Salvar o gráfico (SVG ou PNG)"); }}
    if (!meta.table) {{ return; }}
    var table = el.querySelector("table.llms101-chart-table");
    if (!table) {{
      var box = document.createElement("div");  // a table ignores width and clip: its box hides it
      box.className = "llms101-chart-data";
      box.setAttribute("style", SR_ONLY);
      table = box.appendChild(document.createElement("table"));
      table.className = "llms101-chart-table";
      el.appendChild(box);
    }}
    var fields = meta.table.map(function (c) {{ return c[0]; }});
    var rows = drawnRows(view, fields);
    var doc = document.createDocumentFragment();
    var caption = document.createElement("caption");
    caption.textContent = "Dados do gráfico" + (title ? ": " + title : "");
    doc.appendChild(caption);
    var head = document.createElement("tr");
    meta.table.forEach(function (c) {{
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = c[1];
      head.appendChild(th);
    }});
    doc.appendChild(document.createElement("thead")).appendChild(head);
    var body = doc.appendChild(document.createElement("tbody"));
    rows.forEach(function (row) {{
      var tr = body.appendChild(document.createElement("tr"));
      row.cells.forEach(function (cell) {{ tr.appendChild(document.createElement("td")).textContent = cell; }});
    }});
    table.replaceChildren(doc);
  }}
  function finish(result) {{
    var view = result.view;
    el.llms101View = view;  // for the site's tests
    var update = debounce(function () {{
      view.runAsync().then(function () {{ return settle(view); }}).then(function () {{ describe(view); }});
    }});
    (spec.params || []).forEach(function (p) {{
      if (p.bind && !p.select) {{ view.addSignalListener(p.name, update); }}
    }});
    window.addEventListener("resize", update);
    return settle(view)
      .then(function () {{ return fitConcat(view, result.vgSpec || {{}}); }})
      .then(function () {{ describe(view); }});
  }}
  window.llms101VegaEmbed = window.llms101VegaEmbed || loadVegaEmbed();
  window.llms101VegaEmbed
    .then(function (vegaEmbed) {{
      var room = roomPx();
      if (meta.narrow && room > 0 && room < NARROW_PX) {{ merge(spec, meta.narrow); }}
      return vegaEmbed(el, spec, embedOpt);
    }})
    .then(finish)
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
        narrow_px=NARROW_PX,
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
