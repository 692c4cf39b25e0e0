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

/* ==== Self-check quizzes ("Teste rápido") ====================================================================
 * Makes every .llms101-quiz section (HTML from calculators/quiz.py) answerable on the static site, with no server:
 * "Verificar" (or Enter in a numeric field) checks the answer against the section's data- attributes, says
 * "Certo!" or "Ainda não." in the question's role="status" line, shows the one-line explanation and marks the
 * question (a class and the text, not colour alone). The <details> "Ver resposta" box is for readers without this
 * script (Jupyter, Colab): here it is hidden, and the "Verificar" button shown.
 *
 * Numbers are typed the Brazilian way: comma before decimals, dots between thousands ("1.234,5", "0,5"); a unit
 * around the number ("US$", "s", "%") is ignored. parseNumber mirrors calculators.quiz.parse_number_pt, and
 * tests/site/test_quiz.py pins one to the other through window.llms101Quiz. The in-page calculator
 * (site/calc/calculator.js) reads its numeric fields with the same window.llms101Quiz.parseNumber.
 */
(function () {
  "use strict";

  var THOUSANDS_ONLY = /^\d{1,3}(\.\d{3})+$/;
  var NUMBER_IN_TEXT = /^[^\d.,+-]*([+-]?)([\d.,]+)[^\d.,+-]*$/;

  // A number as a Brazilian reader types it, or null.
  function parseNumber(text) {
    var match = NUMBER_IN_TEXT.exec(String(text || "").replace(/\s+/g, ""));
    if (!match) {
      return null;
    }
    var sign = match[1];
    var digits = match[2];
    if (!/\d/.test(digits)) {
      return null;
    }
    if (digits.indexOf(",") >= 0) {
      var at = digits.indexOf(",");
      var whole = digits.slice(0, at);
      var decimals = digits.slice(at + 1);
      if (/[.,]/.test(decimals) || (whole.indexOf(".") >= 0 && !THOUSANDS_ONLY.test(whole))) {
        return null;
      }
      digits = whole.replace(/\./g, "") + "." + decimals;
    } else if (THOUSANDS_ONLY.test(digits)) {
      digits = digits.replace(/\./g, "");
    } else if ((digits.match(/\./g) || []).length > 1) {
      return null;
    }
    var value = Number(digits);
    if (!isFinite(value)) {
      return null;
    }
    return sign === "-" ? -value : value;
  }

  // Within the question's tolerance: absolute (same unit as the answer) or relative (0.03 = 3 %).
  function isClose(typed, answer, tolerance, kind) {
    var limit = kind === "relative" ? tolerance * Math.abs(answer) : tolerance;
    return Math.abs(typed - answer) <= limit + 1e-9;
  }

  function say(question, state, message) {
    var feedback = question.querySelector(".llms101-quiz-feedback");
    var explanation = question.querySelector(".llms101-quiz-explanation");
    question.classList.remove("llms101-quiz-right", "llms101-quiz-wrong", "llms101-quiz-empty");
    question.classList.add("llms101-quiz-" + state);
    question.setAttribute("data-llms101-state", state);
    if (feedback) {
      feedback.textContent = message;
    }
    if (explanation) {
      explanation.hidden = state === "empty";
    }
  }

  function checkChoice(question) {
    var chosen = question.querySelector('input[type="radio"]:checked');
    question.querySelectorAll(".llms101-quiz-option").forEach(function (option) {
      option.classList.remove("llms101-quiz-chosen");
    });
    if (!chosen) {
      say(question, "empty", "Escolha uma das opções e clique em Verificar.");
      return;
    }
    var option = chosen.closest(".llms101-quiz-option");
    if (option) {
      option.classList.add("llms101-quiz-chosen");
    }
    if (chosen.getAttribute("data-correct") === "true") {
      say(question, "right", "✓ Certo!");
    } else {
      say(question, "wrong", "✗ Ainda não. Tente outra opção; a explicação abaixo ajuda.");
    }
  }

  function checkNumber(question) {
    var input = question.querySelector('input[inputmode="decimal"]');
    var text = input ? input.value.trim() : "";
    if (!text) {
      say(question, "empty", "Digite um número e clique em Verificar.");
      return;
    }
    var typed = parseNumber(text);
    if (typed === null) {
      say(question, "empty", "Não entendi esse número: use vírgula nos decimais, como em 0,5 ou 1.234,5.");
      return;
    }
    var answer = Number(question.getAttribute("data-answer"));
    var tolerance = Number(question.getAttribute("data-tolerance"));
    var kind = question.getAttribute("data-tolerance-kind");
    if (isClose(typed, answer, tolerance, kind)) {
      say(question, "right", "✓ Certo! A resposta é " + question.getAttribute("data-answer-text") + ".");
    } else {
      say(question, "wrong", "✗ Ainda não. Refaça a conta; a explicação abaixo mostra o caminho.");
    }
  }

  function check(question) {
    if (question.getAttribute("data-kind") === "numeric") {
      checkNumber(question);
    } else {
      checkChoice(question);
    }
  }

  function wire(section) {
    if (section.getAttribute("data-llms101-quiz-ready") === "true") {
      return;
    }
    section.querySelectorAll(".llms101-quiz-question").forEach(function (question) {
      question.querySelectorAll(".llms101-quiz-answer").forEach(function (details) {
        details.hidden = true;
      });
      question.querySelectorAll(".llms101-quiz-actions").forEach(function (actions) {
        actions.hidden = false;
      });
      var button = question.querySelector(".llms101-quiz-check");
      if (button) {
        button.addEventListener("click", function () {
          check(question);
        });
      }
      var input = question.querySelector('input[inputmode="decimal"]');
      if (input) {
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            check(question);
          }
        });
      }
    });
    section.classList.add("llms101-quiz-live");
    section.setAttribute("data-llms101-quiz-ready", "true");
  }

  function start() {
    document.querySelectorAll(".llms101-quiz").forEach(wire);
  }

  window.llms101Quiz = { parseNumber: parseNumber, isClose: isClose };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
/* ==== end of self-check quizzes ============================================================================== */
