/* Self-check items in the book: every exercise, quiz, review and pre-test question.
 * Each item is <div class="ck-item" data-item="ID"> with its inputs, a Check button, a feedback
 * region announced to screen readers, a hidden solution and its key (JSON). Grading is done by
 * grader.js with the rules and words of coursekit/grading.json (window.CK_GRADING).
 * Progress stays in this browser (localStorage), never sent anywhere; "Forget my answers" clears it. */
(function () {
  "use strict";
  var STORE = "coursekit:item:";
  var grader = null;

  function store(id, state) {
    try { window.localStorage.setItem(STORE + id, JSON.stringify(state)); } catch (err) { /* private mode: fine */ }
  }
  function recall(id) {
    try { return JSON.parse(window.localStorage.getItem(STORE + id) || "null"); } catch (err) { return null; }
  }
  function forgetAll() {
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        var k = window.localStorage.key(i);
        if (k && k.indexOf(STORE) === 0) keys.push(k);
      }
      keys.forEach(function (k) { window.localStorage.removeItem(k); });
    } catch (err) { /* nothing stored */ }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  /* The reader's response, as the grader reads it. */
  function read(item, kind) {
    if (kind === "number") return item.querySelector(".ck-number input").value;
    if (kind === "open") return item.querySelector(".ck-open textarea").value;
    if (kind === "choice") {
      var picked = item.querySelector(".ck-options input:checked");
      return picked ? picked.value : "";
    }
    if (kind === "multi") {
      return Array.prototype.map.call(item.querySelectorAll(".ck-options input:checked"), function (i) { return i.value; });
    }
    if (kind === "order") {
      return Array.prototype.map.call(item.querySelectorAll(".ck-order > li"), function (li) { return li.dataset.value; });
    }
    if (kind === "match") {
      var out = {};
      item.querySelectorAll(".ck-match select").forEach(function (s) { out[s.dataset.left] = s.value; });
      return out;
    }
    return "";
  }

  /* Put a stored response back into the inputs. */
  function write(item, kind, response) {
    if (response == null) return;
    if (kind === "number") item.querySelector(".ck-number input").value = response;
    else if (kind === "open") item.querySelector(".ck-open textarea").value = response;
    else if (kind === "choice" || kind === "multi") {
      var wanted = [].concat(response);
      item.querySelectorAll(".ck-options input").forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
    } else if (kind === "order") {
      var list = item.querySelector(".ck-order");
      response.forEach(function (value) {
        var li = list.querySelector('li[data-value="' + value + '"]');
        if (li) list.appendChild(li);
      });
      refreshOrder(item);
    } else if (kind === "match") {
      item.querySelectorAll(".ck-match select").forEach(function (s) {
        if (response[s.dataset.left]) s.value = response[s.dataset.left];
      });
    }
  }

  function show(item, result) {
    var box = item.querySelector(".ck-feedback");
    box.textContent = "";
    box.className = "ck-feedback ck-" + result.verdict;
    box.appendChild(el("p", null, result.message));
    if (result.hint) {
      var p = el("p", "ck-hint");
      p.appendChild(el("strong", null, grader.label("hint") + ": "));
      p.appendChild(document.createTextNode(result.hint));
      box.appendChild(p);
    }
    var button = item.querySelector(".ck-show-solution");
    if (button && result.solution) button.hidden = false;
    if (result.verdict === "submitted") openSolution(item, true);
    item.dataset.verdict = result.verdict;
  }

  function openSolution(item, open) {
    var button = item.querySelector(".ck-show-solution"), sol = item.querySelector(".ck-solution");
    if (!sol) return;
    sol.hidden = !open;
    if (button) {
      button.hidden = false;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = grader.label(open ? "hide_solution" : "show_solution");
    }
  }

  /* Ordering: arrow buttons move an entry; the live region says where it went. */
  function refreshOrder(item) {
    var rows = item.querySelectorAll(".ck-order > li");
    rows.forEach(function (li, i) {
      li.querySelector(".ck-up").disabled = i === 0;
      li.querySelector(".ck-down").disabled = i === rows.length - 1;
    });
  }
  function move(item, li, step) {
    var list = li.parentNode;
    if (step < 0 && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
    else if (step > 0 && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
    refreshOrder(item);
    var rows = Array.prototype.slice.call(list.children);
    var pos = rows.indexOf(li) + 1;
    var status = item.querySelector(".ck-order-status");
    if (status) {
      status.textContent = li.querySelector(".ck-entry-text").textContent + ": " +
        grader.label("position", { n: pos, total: rows.length });
    }
    var again = li.querySelector(step < 0 ? ".ck-up" : ".ck-down");
    (again.disabled ? li.querySelector(step < 0 ? ".ck-down" : ".ck-up") : again).focus();
  }

  function wire(item) {
    if (item.dataset.wired) return;
    item.dataset.wired = "yes";
    var id = item.dataset.item, kind = item.dataset.kind;
    var key = JSON.parse(item.querySelector("script.ck-key").textContent);
    var saved = recall(id) || { tries: 0 };
    var state = { tries: saved.tries || 0 };

    function check() {
      var response = read(item, kind);
      var result = grader.grade(key, response, state.tries);
      state.tries = result.tries;
      show(item, result);
      if (result.verdict !== "invalid") {
        store(id, { response: response, tries: state.tries, verdict: result.verdict, solution: result.solution });
      }
    }

    item.querySelector(".ck-check").addEventListener("click", check);
    var input = item.querySelector(".ck-number input");
    if (input) input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); check(); } });
    var button = item.querySelector(".ck-show-solution");
    if (button) {
      button.addEventListener("click", function () { openSolution(item, button.getAttribute("aria-expanded") !== "true"); });
    }
    if (kind === "order") {
      item.querySelectorAll(".ck-order > li").forEach(function (li) {
        li.querySelector(".ck-up").addEventListener("click", function () { move(item, li, -1); });
        li.querySelector(".ck-down").addEventListener("click", function () { move(item, li, 1); });
      });
      refreshOrder(item);
    }
    if (saved.response != null) {
      write(item, kind, saved.response);
      var again = grader.grade(key, saved.response, Math.max(0, (saved.tries || 0) - (saved.verdict === "wrong" ? 1 : 0)));
      again.tries = state.tries;
      again.solution = !!saved.solution;
      show(item, again);
      var note = el("p", "ck-restored", grader.label("restored"));
      item.querySelector(".ck-feedback").appendChild(note);
    }
  }

  /* One note per page, after the last item: where answers are kept, and a button to forget them. */
  function addPrivacyPanel(items) {
    if (!items.length || document.querySelector(".ck-forget")) return;
    var panel = el("div", "ck-forget");
    panel.appendChild(el("p", null, grader.label("privacy")));
    var button = el("button", "ck-forget-button", grader.label("forget"));
    button.type = "button";
    var status = el("p", "ck-forget-status");
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      forgetAll();
      /* Start every item afresh: clear its inputs and feedback, then re-wire a clean copy (tries back to 0). */
      document.querySelectorAll("div.ck-item[data-item]").forEach(function (item) {
        item.querySelectorAll("input[type=text], textarea").forEach(function (i) { i.value = ""; });
        item.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (i) { i.checked = false; });
        item.querySelectorAll("select").forEach(function (s) { s.value = ""; });
        var fb = item.querySelector(".ck-feedback");
        fb.textContent = ""; fb.className = "ck-feedback";
        var sol = item.querySelector(".ck-solution");
        if (sol) sol.hidden = true;
        var sb = item.querySelector(".ck-show-solution");
        if (sb) { sb.hidden = true; sb.setAttribute("aria-expanded", "false"); sb.textContent = grader.label("show_solution"); }
        delete item.dataset.verdict;
        var clone = item.cloneNode(true);
        delete clone.dataset.wired;
        item.parentNode.replaceChild(clone, item);
      });
      status.textContent = grader.label("forgotten");
      init();
    });
    panel.appendChild(button);
    panel.appendChild(status);
    var last = items[items.length - 1];
    var anchor = last.closest(".ck-set") || last;
    var cell = anchor.closest(".cell") || anchor;
    cell.parentNode.insertBefore(panel, cell.nextSibling);
  }

  function init() {
    if (!window.CK_GRADING || !window.CourseGrader) return;
    grader = grader || window.CourseGrader(window.CK_GRADING);
    var items = Array.prototype.slice.call(document.querySelectorAll("div.ck-item[data-item]"));
    items.forEach(wire);
    addPrivacyPanel(items);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
