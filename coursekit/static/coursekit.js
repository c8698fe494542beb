/* Course site behaviour: draw charts from the specs in the page and run the
 * self-check quizzes. Everything happens in the reader's browser; nothing is
 * sent anywhere and nothing is stored. */
(function () {
  "use strict";

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("div.ck-vega").forEach(function (div) {
      if (div.dataset.drawn) return;
      var node = div.querySelector("script.ck-spec");
      if (!node) return;
      var spec = JSON.parse(node.textContent);
      var target = document.createElement("div");
      target.className = "ck-vega-chart";
      div.appendChild(target);
      div.dataset.drawn = "pending";
      window.vegaEmbed(target, spec, { renderer: "svg", actions: false, tooltip: { theme: "light" } })
        .then(function (result) {
          div.dataset.drawn = "yes";
          labelBindings(target);
          /* A chart wider than the page scrolls sideways: let keyboard users reach and scroll it. */
          if (div.scrollWidth > div.clientWidth + 1) div.tabIndex = 0;
          result.view.runAfter(function () { div.dataset.rendered = "yes"; });
        })
        .catch(function (err) { div.dataset.drawn = "error"; console.warn("chart could not be drawn", err); });
    });
  }

  /* Vega puts each bound input inside a <label> with its name; make sure
   * every input has an accessible name even when vega builds radio groups. */
  function labelBindings(root) {
    root.querySelectorAll(".vega-bind").forEach(function (bind) {
      var name = bind.querySelector(".vega-bind-name");
      var text = name ? name.textContent.trim() : "";
      bind.querySelectorAll("input, select").forEach(function (input) {
        if (!input.getAttribute("aria-label") && input.type !== "radio" && text) input.setAttribute("aria-label", text);
      });
      var radios = bind.querySelector(".vega-bind-radio");
      if (radios && text) { radios.setAttribute("role", "radiogroup"); radios.setAttribute("aria-label", text); }
    });
  }

  function gradeQuestion(fieldset) {
    var box = fieldset.querySelector(".ck-options");
    var out = fieldset.querySelector(".ck-qfeedback");
    var key = JSON.parse(box.getAttribute("data-key"));
    var ok = false, why = "";
    if (box.getAttribute("data-kind") === "choice") {
      var picked = fieldset.querySelector("input[type=radio]:checked");
      if (!picked) { out.textContent = "Choose one of the options first."; out.className = "ck-qfeedback"; return; }
      var opt = key[Number(picked.value)];
      ok = opt.ok; why = opt.why || "";
    } else {
      var raw = fieldset.querySelector("input[type=text]").value.trim().replace(",", ".").replace(/%$/, "");
      var value = Number(raw);
      if (raw === "" || !isFinite(value)) {
        out.textContent = "Type a number, such as 3.5 (no units or separators).";
        out.className = "ck-qfeedback"; return;
      }
      ok = Math.abs(value - key.answer) <= key.tol;
      why = (ok ? "" : (value > key.answer ? "That is too high. " : "That is too low. ")) + (key.why || "");
    }
    out.textContent = (ok ? "✓ Correct. " : "✗ Not quite. ") + why;
    out.className = "ck-qfeedback " + (ok ? "ck-right" : "ck-wrong");
  }

  function wireQuizzes() {
    document.querySelectorAll("form.ck-quiz").forEach(function (form) {
      if (form.dataset.wired) return;
      form.dataset.wired = "yes";
      form.addEventListener("submit", function (ev) { ev.preventDefault(); });
      form.querySelectorAll("fieldset.ck-q").forEach(function (fs) {
        fs.querySelector("button.ck-check").addEventListener("click", function () { gradeQuestion(fs); });
        fs.querySelectorAll("input[type=text]").forEach(function (input) {
          input.addEventListener("keydown", function (ev) {
            if (ev.key === "Enter") { ev.preventDefault(); gradeQuestion(fs); }
          });
        });
      });
    });
  }

  /* The theme's search buttons show "Search Ctrl+K" but are labelled "Search" (a
   * label/content mismatch for speech users), and its colour-mode button holds
   * icons with titles. Let visible text be the accessible name; icons are decorative. */
  function fixThemeLabels() {
    document.querySelectorAll("button.search-button-field").forEach(function (b) { b.removeAttribute("aria-label"); });
    document.querySelectorAll(".theme-switch-button i, .theme-switch-button svg, button.search-button__button i, " +
                              "button.search-button__button svg").forEach(function (icon) {
      icon.setAttribute("aria-hidden", "true");
      icon.removeAttribute("title");
      icon.querySelectorAll("title").forEach(function (t) { t.remove(); });
    });
    /* Sphinx marks the bibliography as a list whose entries are not list items. */
    document.querySelectorAll('.citation-list[role="list"] > [role="doc-biblioentry"]').forEach(function (e) {
      e.setAttribute("role", "listitem");
    });
    /* MyST-NB's "Show code" toggles carry an aria-label that differs from their text. */
    document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (s) { s.removeAttribute("aria-label"); });
  }

  function init() { fixThemeLabels(); drawCharts(); wireQuizzes(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("load", function () { fixThemeLabels(); drawCharts(); });
})();
