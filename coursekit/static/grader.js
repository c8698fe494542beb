/* The grader of every self-check item, in the reader's browser (the book).
 * Its twin is coursekit/grader.py (JupyterLab and check()); both read their rules and messages
 * from coursekit/grading.json, and tests/grading_cases.yml runs one table of cases through both.
 * A response is never evaluated as code. Nothing is sent anywhere. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory;
  else root.CourseGrader = factory;
})(typeof self !== "undefined" ? self : this, function makeGrader(spec) {
  "use strict";
  var rules = spec.number;
  var pat = {};
  ["thousands_with_decimals", "ambiguous_comma", "decimal_comma", "number"].forEach(function (name) {
    pat[name] = new RegExp(rules[name]);
  });

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : whole;
    });
  }
  function message(kind, values) { return format(spec.messages[kind], values); }
  function label(name, values) { return format(spec.labels[name], values); }

  function replaceAll(text, what, by) { return text.split(what).join(by); }

  /* Python's str.strip() and JavaScript's trim() disagree on a few characters: both strip the spec's set. */
  function strip(text) {
    var chars = Array.from(String(text)), start = 0, end = chars.length;
    while (start < end && rules.trim.indexOf(chars[start]) >= 0) start++;
    while (end > start && rules.trim.indexOf(chars[end - 1]) >= 0) end--;
    return chars.slice(start, end).join("");
  }

  function parseNumber(raw) {
    var text = strip(raw);
    if (!text) return { value: null, problem: "empty" };
    rules.minus_signs.forEach(function (s) { text = replaceAll(text, s, "-"); });
    rules.spaces.forEach(function (s) { text = replaceAll(text, s, ""); });
    var pct = rules.percent_sign;
    if (text.slice(-pct.length) === pct) text = text.slice(0, -pct.length);
    if (pat.thousands_with_decimals.test(text)) text = replaceAll(text, ",", "");
    else if (pat.ambiguous_comma.test(text)) return { value: null, problem: "ambiguous" };
    else if (pat.decimal_comma.test(text)) text = replaceAll(text, ",", ".");
    if (!pat.number.test(text)) return { value: null, problem: "unreadable" };
    var value = Number(text);
    if (!isFinite(value)) return { value: null, problem: "nonfinite" };
    return { value: value, problem: "" };
  }

  function shown(raw) {
    var text = strip(raw);
    return Array.from(text).length <= 40 ? text : Array.from(text).slice(0, 39).join("") + "\u2026";
  }

  function result(key, verdict, kind, tries, text, values) {
    var body = message(kind, values);
    if (text) body = body + " " + text;
    var hints = key.hints || [];
    var hint = (verdict === "wrong" && hints.length && tries > 0) ? hints[Math.min(tries, hints.length) - 1] : "";
    return { verdict: verdict, kind: kind, message: body, hint: hint, tries: tries,
             solution: verdict === "correct" || tries >= spec.solution_after };
  }

  function within(value, target, tol) { return Math.abs(value - target) <= Math.max(tol, rules.min_tolerance); }

  function gradeNumber(key, response, tries) {
    var parsed = parseNumber(response == null ? "" : response);
    if (parsed.problem) {
      var kind = parsed.problem === "empty" ? "empty-number" : parsed.problem;
      return result(key, "invalid", kind, tries, "", { input: shown(response == null ? "" : response) });
    }
    var value = parsed.value, answer = Number(key.answer), tol = Number(key.tol);
    if (within(value, answer, tol)) return result(key, "correct", "correct", tries, key.explanation || "");
    tries += 1;
    var near = key.near || [];
    for (var i = 0; i < near.length; i++) {
      var ntol = near[i].tol == null ? tol : Number(near[i].tol);
      if (within(value, Number(near[i].value), ntol)) return result(key, "wrong", "near", tries, near[i].feedback);
    }
    for (var j = 0; j < rules.scale_factors.length; j++) {
      if (answer !== 0 && within(value * rules.scale_factors[j], answer, tol)) return result(key, "wrong", "scale", tries);
    }
    return result(key, "wrong", value > answer ? "too-high" : "too-low", tries, "", { input: shown(response) });
  }

  function asList(response) {
    if (response == null || response === "") return [];
    if (Array.isArray(response)) return response.filter(function (r) { return r != null && r !== ""; });
    return [response];
  }

  function byId(options) {
    var out = {};
    options.forEach(function (o) { out[o.id] = o; });
    return out;
  }

  function gradeChoice(key, response, tries) {
    var options = byId(key.options);
    var picked = Array.isArray(response) && response.length === 1 ? response[0] : response;
    if (typeof picked !== "string" || !Object.prototype.hasOwnProperty.call(options, picked)) {
      return result(key, "invalid", "empty-choice", tries);
    }
    var option = options[picked];
    if (option.correct) {
      var text = [option.feedback || "", key.explanation || ""].filter(Boolean).join(" ");
      return result(key, "correct", "correct", tries, text);
    }
    return result(key, "wrong", "wrong", tries + 1, option.feedback || "");
  }

  function gradeMulti(key, response, tries) {
    var options = byId(key.options);
    var picked = {};
    asList(response).forEach(function (r) {
      if (typeof r === "string" && Object.prototype.hasOwnProperty.call(options, r)) picked[r] = true;
    });
    var ids = Object.keys(picked);
    if (!ids.length) return result(key, "invalid", "empty-multi", tries);
    var right = key.options.filter(function (o) { return o.correct; }).map(function (o) { return o.id; });
    var hits = right.filter(function (id) { return picked[id]; }).length;
    var extra = ids.length - hits, missing = right.length - hits;
    if (!extra && !missing) return result(key, "correct", "correct", tries, key.explanation || "");
    return result(key, "wrong", "partial-multi", tries + 1, "", { hits: hits, extra: extra, missing: missing });
  }

  function gradeOrder(key, response, tries) {
    var answer = key.answer.slice();
    var got = asList(response).filter(function (r) { return typeof r === "string"; });
    if (got.slice().sort().join("\u0000") !== answer.slice().sort().join("\u0000") || got.length !== answer.length) {
      return result(key, "invalid", "empty-order", tries);
    }
    var hits = 0;
    for (var i = 0; i < answer.length; i++) if (got[i] === answer[i]) hits++;
    if (hits === answer.length) return result(key, "correct", "correct", tries, key.explanation || "");
    return result(key, "wrong", "partial-order", tries + 1, "", { hits: hits, total: answer.length });
  }

  function gradeMatch(key, response, tries) {
    var answer = key.answer, lefts = Object.keys(answer);
    var got = (response && typeof response === "object" && !Array.isArray(response)) ? response : {};
    for (var i = 0; i < lefts.length; i++) {
      if (typeof got[lefts[i]] !== "string" || !got[lefts[i]]) return result(key, "invalid", "empty-match", tries);
    }
    var hits = lefts.filter(function (l) { return got[l] === answer[l]; }).length;
    if (hits === lefts.length) return result(key, "correct", "correct", tries, key.explanation || "");
    return result(key, "wrong", "partial-match", tries + 1, "", { hits: hits, total: lefts.length });
  }

  function gradeOpen(key, response, tries) {
    if (typeof response !== "string" || !strip(response)) return result(key, "invalid", "empty-open", tries);
    return { verdict: "submitted", kind: "submitted", message: message("submitted"), hint: "", tries: tries + 1,
             solution: true };
  }

  var graders = { number: gradeNumber, choice: gradeChoice, multi: gradeMulti, order: gradeOrder,
                  match: gradeMatch, open: gradeOpen };

  return {
    spec: spec,
    message: message,
    label: label,
    parseNumber: parseNumber,
    grade: function (key, response, tries) { return graders[key.kind](key, response, Number(tries) || 0); }
  };
});
