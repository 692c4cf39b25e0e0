/* Accessible names and keyboard reach the saved kernel widgets lack; loaded on every page by tools/llms101_site.py.
 *
 * - ipywidgets draws its sliders with noUiSlider: a role="slider" handle with no name (axe: aria-input-field-name).
 *   The handle gets the widget's own label ("tokens de saída") as its aria-label.
 * - The theme's left sidebar gets a landmark role and a name.
 * - A box in a widget's HTML output that scrolls sideways (a wide table on a phone) gets tabindex="0", so the
 *   keyboard can scroll it, as the theme does for cell outputs (axe: scrollable-region-focusable).
 *
 * The HTML manager draws the widgets after the page loads, so this runs again whenever the page's content changes.
 */
(function () {
  "use strict";

  function nameSliders(root) {
    root.querySelectorAll('.noUi-handle[role="slider"]:not([aria-label])').forEach(function (handle) {
      var widget = handle.closest(".widget-slider") || handle.closest(".jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      var text = label ? (label.textContent || label.getAttribute("title") || "").trim() : "";
      if (text) {
        handle.setAttribute("aria-label", text);
      }
    });
  }

  function tabStops(root) {
    root.querySelectorAll(".widget-html-content, .widget-html-content div").forEach(function (box) {
      var overflow = getComputedStyle(box).overflowX;
      if (overflow !== "auto" && overflow !== "scroll") {
        return;
      }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && box.tabIndex !== 0) {
        box.tabIndex = 0;
      } else if (!scrolls && box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
      }
    });
  }

  // The theme's left sidebar (the course's logo, search and table of contents) is in no landmark: name it, so a
  // screen reader can jump to it like to the rest of the page (axe: region).
  function landmarks() {
    var sidebar = document.querySelector(".bd-sidebar-primary");
    if (sidebar && !sidebar.hasAttribute("role")) {
      sidebar.setAttribute("role", "complementary");
      sidebar.setAttribute("aria-label", "Navegação do curso");
    }
  }

  var timer = null;
  function update() {
    timer = null;
    nameSliders(document);
    tabStops(document);
  }
  function later() {
    if (timer === null) {
      timer = setTimeout(update, 150);
    }
  }

  function start() {
    landmarks();
    update();
    var main = document.getElementById("main-content") || document.body;
    new MutationObserver(later).observe(main, { childList: true, subtree: true });
    window.addEventListener("resize", later);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
