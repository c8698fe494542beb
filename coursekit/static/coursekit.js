/* Course site behaviour: draw charts from the specs in the page, keep their data
 * tables current, and fix a few theme controls (self-check items are items.js).
 * Everything happens in the reader's browser; nothing is sent anywhere and nothing is stored.
 *
 * Charts are drawn lazily: the vega libraries (served by the site itself) are
 * loaded when the first chart nears the viewport, and a chart whose spec is a
 * separate JSON file (data-src) is fetched then. Each chart fits its text
 * column (Vega-Lite's container width for single views; the width signal or
 * fewer facet columns for compositions), wraps its title, moves legends below
 * on narrow screens, and follows the page's light or dark theme. */
(function () {
  "use strict";

  /* The chart libraries, in the order they run: named by the page (coursebuild/sphinxext.py, VENDOR), which
   * has already started fetching them. */
  var VENDOR = window.CK_VENDOR || [];
  var NARROW = 600;   /* below this column width, charts switch to their narrow layout */
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

  /* ------------------------------------------------------------------ libraries */
  var libraries = null;
  function loadLibraries() {
    if (libraries) return libraries;
    libraries = new Promise(function (resolve, reject) {
      if (window.vega && window.vegaLite) { resolve(); return; }
      if (!VENDOR.length) { reject(new Error("the page names no chart libraries (CK_VENDOR)")); return; }
      var left = VENDOR.length;
      VENDOR.forEach(function (src) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.async = false;  /* downloaded together, run in order: vega, then vega-lite (which needs it) */
        tag.onload = function () { if (--left === 0) resolve(); };
        tag.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(tag);
      });
    });
    return libraries;
  }

  /* ------------------------------------------------------------------ theme */
  function isDark() { return document.documentElement.dataset.theme === "dark"; }

  function hexRgb(c) {
    if (typeof c !== "string") return null;
    var named = { black: "#000000", white: "#ffffff", grey: "#808080", gray: "#808080", darkgrey: "#a9a9a9",
                  darkgray: "#a9a9a9", lightgrey: "#d3d3d3", lightgray: "#d3d3d3", dimgray: "#696969", dimgrey: "#696969" };
    c = named[c.toLowerCase()] || c;
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function toHex(rgb) {
    return "#" + rgb.map(function (v) { return ("0" + Math.round(Math.max(0, Math.min(255, v))).toString(16)).slice(-2); }).join("");
  }
  function luminance(rgb) {
    var l = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  var DARK_BG = [20, 24, 30];  /* pydata-sphinx-theme's dark background, #14181e */

  /* A colour made for a white page, made readable on the dark one: greys turn over (black text becomes
   * light), and a colour too dark for the background is lightened just enough (3:1 for marks, 4.5:1 for
   * text), so the Okabe–Ito hues stay themselves and stay apart. */
  function darkColour(c, text) {
    var rgb = hexRgb(c);
    if (!rgb) return c;
    var spread = Math.max.apply(null, rgb) - Math.min.apply(null, rgb);
    if (spread < 24) {
      var g = (rgb[0] + rgb[1] + rgb[2]) / 3;
      rgb = [255 - g, 255 - g, 255 - g].map(function (v) { return 30 + v * (235 - 30) / 255; });
    }
    var need = text ? 4.5 : 3, t = 0, out = rgb;
    while (contrast(out, DARK_BG) < need && t < 1) {
      t += 0.05;
      out = rgb.map(function (v) { return v + (255 - v) * t; });
    }
    return toHex(out);
  }

  var COLOUR_CHANNELS = { color: 1, fill: 1, stroke: 1 };
  function darkenColours(node, text) {
    if (Array.isArray(node)) {
      node.forEach(function (v, i) { if (typeof v === "string") node[i] = darkColour(v, text); else darkenColours(v, text); });
      return;
    }
    if (!node || typeof node !== "object") return;
    var mark = node.mark;
    var isText = text || mark === "text" || (mark && typeof mark === "object" && mark.type === "text");
    Object.keys(node).forEach(function (key) {
      var v = node[key];
      if (key === "data" || key === "datasets" || key === "values" || key === "config") return;
      if (key === "mark" && v && typeof v === "object") {
        ["color", "fill", "stroke"].forEach(function (k) { if (typeof v[k] === "string") v[k] = darkColour(v[k], isText); });
        return;
      }
      if (key === "encoding" && v) {
        Object.keys(v).forEach(function (ch) {
          if (!COLOUR_CHANNELS[ch] || !v[ch]) return;
          var enc = v[ch];
          if (typeof enc.value === "string") enc.value = darkColour(enc.value, isText);
          var conds = enc.condition ? [].concat(enc.condition) : [];
          conds.forEach(function (c) { if (c && typeof c.value === "string") c.value = darkColour(c.value, isText); });
          if (enc.scale && Array.isArray(enc.scale.range)) darkenColours(enc.scale.range, isText);
        });
        return;
      }
      if (typeof v === "object") darkenColours(v, isText && key !== "layer");
    });
  }

  var DARK_CONFIG = {
    background: null,
    title: { color: "#e8eaed", subtitleColor: "#c9ced6" },
    axis: { labelColor: "#c9ced6", titleColor: "#e8eaed", gridColor: "#3b424d", domainColor: "#8b93a0", tickColor: "#8b93a0" },
    legend: { labelColor: "#c9ced6", titleColor: "#e8eaed" },
    header: { labelColor: "#c9ced6", titleColor: "#e8eaed" },
    text: { color: "#e8eaed" },
    view: { stroke: null },
    range: { category: null }
  };

  function merge(target, extra) {
    Object.keys(extra).forEach(function (k) {
      var v = extra[k];
      if (v && typeof v === "object" && !Array.isArray(v)) {
        if (!target[k] || typeof target[k] !== "object") target[k] = {};
        merge(target[k], v);
      } else {
        target[k] = v;
      }
    });
    return target;
  }

  function applyDark(spec) {
    var cfg = JSON.parse(JSON.stringify(DARK_CONFIG));
    cfg.background = "transparent";
    var category = spec.config && spec.config.range && spec.config.range.category;
    cfg.range.category = Array.isArray(category) ? category.map(function (c) { return darkColour(c, false); }) : undefined;
    if (!cfg.range.category) delete cfg.range;
    spec.config = merge(spec.config || {}, cfg);
    ["bar", "line", "point", "area", "rule", "tick", "rect", "circle", "square"].forEach(function (m) {
      var c = spec.config[m];
      if (c) ["color", "fill", "stroke"].forEach(function (k) { if (typeof c[k] === "string") c[k] = darkColour(c[k], false); });
    });
    darkenColours(spec, false);
  }

  /* ------------------------------------------------------------------ fitting */
  var canvas = null;
  function textWidth(text, size, weight) {
    canvas = canvas || document.createElement("canvas");
    var ctx = canvas.getContext("2d");
    ctx.font = (weight || 400) + " " + size + "px " + FONT;
    return ctx.measureText(text).width;
  }
  function wrap(text, width, size, weight) {
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      var next = line ? line + " " + w : w;
      if (line && textWidth(next, size, weight) > width) { lines.push(line); line = w; } else { line = next; }
    });
    if (line) lines.push(line);
    return lines;
  }
  function wrapTitle(holder, width, size) {
    var t = holder.title;
    if (!t) return;
    if (typeof t === "string" || Array.isArray(t)) t = holder.title = { text: t };
    var text = Array.isArray(t.text) ? t.text.join(" ") : t.text;
    if (text) t.text = wrap(text, width, t.fontSize || size, 600);
    if (t.subtitle) {
      var sub = Array.isArray(t.subtitle) ? t.subtitle.join(" ") : t.subtitle;
      t.subtitle = wrap(sub, width, t.subtitleFontSize || 12, 400);
    }
  }

  function isComposite(spec) { return !!(spec.vconcat || spec.hconcat || spec.concat || spec.facet || spec.repeat); }

  function legendsBelow(node, columns, limit) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(function (n) { legendsBelow(n, columns, limit); }); return; }
    Object.keys(node).forEach(function (k) {
      var v = node[k];
      if (k === "data" || k === "datasets") return;
      if (k === "legend" && v && typeof v === "object") {
        if (v.orient && v.orient !== "bottom" && v.orient !== "none") v.orient = "bottom";
        v.direction = "horizontal";
        if (!v.columns || v.columns > columns) v.columns = columns;
        v.labelLimit = limit;
        delete v.legendX; delete v.legendY;
      } else if (typeof v === "object") {
        legendsBelow(v, columns, limit);
      }
    });
  }

  /* A text mark pinned to a fixed x (a sentence drawn in the chart) cannot wrap: cut it at the plot's edge
   * with an ellipsis rather than let it widen the chart. Its words are in the data table below the chart. */
  function limitPinnedText(node) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(limitPinnedText); return; }
    var mark = node.mark, enc = node.encoding || {};
    var type = typeof mark === "string" ? mark : mark && mark.type;
    var pinned = enc.x && typeof enc.x.value === "number" ? enc.x.value
      : (mark && typeof mark === "object" && typeof mark.x === "number" && !enc.x ? mark.x : null);
    if (type === "text" && pinned !== null && enc.text && enc.text.field) {
      if (typeof mark === "string") mark = node.mark = { type: "text" };
      mark.limit = { expr: "max(60, width - " + pinned + ")" };
    }
    ["layer", "vconcat", "hconcat", "concat"].forEach(function (k) { if (node[k]) limitPinnedText(node[k]); });
    if (node.spec) limitPinnedText(node.spec);
  }

  /* Facet headers (one per small chart) wrap onto lines as wide as their chart, instead of widening it. */
  function wrapHeaders(spec, cell) {
    var facet = spec.facet;
    if (!facet || !facet.field) return;
    var header = facet.header = facet.header || {};
    var size = header.labelFontSize || (spec.config && spec.config.header && spec.config.header.labelFontSize) || 12;
    var values = {};
    var rows = [];
    if (spec.data && spec.data.name && spec.datasets) rows = spec.datasets[spec.data.name] || [];
    else if (spec.data && spec.data.values) rows = spec.data.values;
    rows.forEach(function (r) { if (r[facet.field] !== undefined) values[String(r[facet.field])] = 1; });
    var map = {};
    Object.keys(values).forEach(function (v) { map[v] = wrap(v, cell, size, 400); });
    header.labelExpr = JSON.stringify(map) + "[datum.label] || datum.label";
    header.labelLimit = cell;
  }

  function narrowWidth(inner) { return inner < NARROW ? inner - 60 : inner; }

  /* A y-axis label limit set by the chart itself gives way to the narrow layout's. */
  function capYLabels(node, limit) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(function (n) { capYLabels(n, limit); }); return; }
    var y = node.encoding && node.encoding.y;
    if (y && y.axis && typeof y.axis === "object" && (!y.axis.labelLimit || y.axis.labelLimit > limit)) y.axis.labelLimit = limit;
    ["layer", "vconcat", "hconcat", "concat"].forEach(function (k) { if (node[k]) capYLabels(node[k], limit); });
    if (node.spec) capYLabels(node.spec, limit);
  }

  /* An x-axis title longer than the plot is narrow wraps onto several lines. */
  function wrapAxisTitles(node, width) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(function (n) { wrapAxisTitles(n, width); }); return; }
    var x = node.encoding && node.encoding.x;
    if (x && typeof x === "object") {
      [x, x.axis].forEach(function (holder) {
        if (holder && typeof holder.title === "string" && textWidth(holder.title, 12, 600) > width) {
          holder.title = wrap(holder.title, width, 12, 600);
        }
      });
    }
    ["layer", "vconcat", "hconcat", "concat"].forEach(function (k) { if (node[k]) wrapAxisTitles(node[k], width); });
    if (node.spec) wrapAxisTitles(node.spec, width);
  }

  /* The spec as drawn at this width and theme. */
  function adapt(original, width, legendRoom) {
    var spec = JSON.parse(JSON.stringify(original));
    var narrow = width < NARROW;
    var inner = Math.max(120, width - 20);
    spec.config = spec.config || {};
    wrapTitle(spec, inner, 15);
    ["vconcat", "hconcat", "concat"].forEach(function (k) {
      (spec[k] || []).forEach(function (c) {
        wrapTitle(c, narrowWidth(inner), 13);
        if (c.title) c.title.frame = "bounds";  /* from the panel's left edge, y labels included */
      });
    });
    limitPinnedText(spec);
    if (!isComposite(spec)) {
      var designed = typeof spec.width === "number" ? spec.width : null;
      /* A map keeps its shape: its height shrinks with its width. */
      var projected = spec.projection || (spec.layer || []).some(function (l) { return l.projection; });
      if (projected && designed && typeof spec.height === "number" && inner - 20 < designed) {
        spec.height = Math.round(spec.height * (inner - 20) / designed);
      }
      /* The column's width (no wider than the design allows for), the plot fitted inside it with its axes,
       * legends and labels. A number rather than Vega-Lite's "container": its own resize listener refits the
       * plot without the labels that stick out; this script redraws on a change of width instead. */
      spec.width = Math.floor(designed ? Math.min(width, designed * 1.3 + 100) : width);
      spec.autosize = { type: "fit-x", contains: "padding" };
    } else if (spec.facet && spec.spec) {
      var cell = typeof spec.spec.width === "number" ? spec.spec.width : 200;
      var cols = spec.columns || 1;
      var fit = Math.max(1, Math.floor((width - 40) / (cell + 60)));
      if (fit < cols) spec.columns = cols = fit;
      cell = cols === 1 ? Math.min(Math.max(cell, 300), width - 90) : Math.min(cell, Math.floor((width - 40) / cols) - 60);
      spec.spec.width = cell;
      wrapHeaders(spec, cell);
    }
    var yLimit = Math.round(Math.max(70, inner * 0.36));
    if (narrow) {
      /* A legend below a chart starts at the plot's left edge, after the y labels: one entry a line. */
      var columns = 1;
      var limit = Math.max(60, legendRoom || inner - yLimit - 70);
      spec.config.legend = merge(spec.config.legend || {}, {
        orient: "bottom", direction: "horizontal", columns: columns, labelLimit: limit, titleLimit: inner
      });
      legendsBelow(spec, columns, limit);
      wrapAxisTitles(spec, Math.max(100, inner - yLimit - 40));
      capYLabels(spec, yLimit);
      spec.config.axisY = merge(spec.config.axisY || {}, { labelLimit: yLimit });
      spec.config.axisXDiscrete = merge(spec.config.axisXDiscrete || {}, { labelAngle: -40, labelAlign: "right", labelLimit: 90 });
      spec.config.axisX = merge(spec.config.axisX || {}, { labelOverlap: true, labelFlush: true });
      spec.config.axis = merge(spec.config.axis || {}, { titleLimit: inner });
    }
    if (isDark()) applyDark(spec);
    return spec;
  }

  /* Height to reserve before a chart is drawn, from the build's layout hints (see charts.layout_hints). */
  function reserve(div, width) {
    var hints;
    try { hints = JSON.parse(div.getAttribute("data-ck-size") || "null"); } catch (e) { hints = null; }
    if (!hints) return 0;
    var inner = Math.max(120, width - 20);
    var h = 16 + (hints.h || 300);
    if (hints.m && inner - 20 < hints.m[0]) h -= Math.round(hints.m[1] * (1 - (inner - 20) / hints.m[0]));
    var perLine = Math.max(10, Math.floor(inner / 7.8));   /* characters of a 15px title per line */
    var t = hints.t || [0, 0];
    if (t[0]) h += 10 + 19 * Math.ceil(t[0] / perLine);
    if (t[1]) h += 16 * Math.ceil(t[1] / Math.floor(inner / 6.2));
    if (hints.f) {  /* the same choice of columns and panel width as adapt() makes */
      var n = hints.f[0], cols = hints.f[1] || 1, cell = hints.f[2] || 200, chars = hints.f[3] || 10;
      var fit = Math.max(1, Math.floor((width - 40) / (cell + 60)));
      cols = Math.min(cols, fit);
      cell = cols === 1 ? Math.min(Math.max(cell, 300), width - 90) : Math.min(cell, Math.floor((width - 40) / cols) - 60);
      var rows = Math.ceil(n / cols);
      var headerLines = Math.ceil(chars * 6.2 / cell);
      h += (rows - 1) * hints.h + rows * (headerLines - 1) * 14 + (rows - 1) * 20;
    }
    var narrow = width < NARROW;
    if (hints.x) h += narrow ? Math.min(90, hints.x * 6.5) * 0.64 - 6 : Math.max(0, hints.x * 6.5 - 12);
    (hints.l || []).forEach(function (l) {
      var per = narrow ? 1 : Math.max(1, Math.floor(inner / (30 + 6.5 * l[1])));
      h += 24 + 18 * Math.ceil(l[0] / per);
    });
    (hints.b || []).forEach(function (b) {
      if (b[0] === "radio") h += 40 * Math.ceil((b[2] * 8 + b[1] * 40) / inner);
      else if (b[0] === "range") h += width < 500 ? 74 : 46;
      else h += width < 500 ? 66 : 44;
    });
    return Math.round(h);
  }

  function available(div) {
    var style = getComputedStyle(div);
    return div.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  /* The drawing being made: during a redraw the previous one stays in place (hidden behind it) until the new
   * one is ready, so the first match would be the old drawing. */
  function newestDrawing(div) {
    var all = div.querySelectorAll(".ck-vega-chart svg");
    return all.length ? all[all.length - 1] : null;
  }

  /* A composition has no container width: narrow its plots (the shared "width" signal of a concatenation,
   * "child_width" of a facet) until the drawing fits. */
  function fitComposite(div, view, spec) {
    var width = available(div);
    var svg = newestDrawing(div);
    var tries = 0;
    var names = ["child_width", "width"].filter(function (n) {
      try { return typeof view.signal(n) === "number"; } catch (e) { return false; }
    });
    var across = spec.facet ? (spec.columns || 1) : (spec.hconcat ? spec.hconcat.length : 1);
    function step() {
      if (!svg || !names.length || tries++ > 3) return Promise.resolve();
      var excess = svg.getBoundingClientRect().width - width;
      if (excess <= 1) return Promise.resolve();
      var name = names[0];
      view.signal(name, Math.max(60, view.signal(name) - Math.ceil(excess / across) - 2));
      if (name === "width") view.width(view.signal(name));
      return view.runAsync().then(step);
    }
    return step();
  }

  /* Vega's "fit" sizes the plot from its axes, legends and titles; text drawn beyond the plot (labels at the
   * end of bars) can still fall off the drawing's edge. Measure what sticks out and pad for it. */
  function fitOverhang(div, view) {
    var avail = available(div), start = view.padding(), most = Math.round(avail * 0.35), tries = 0;
    function step() {
      var svg = newestDrawing(div);
      if (!svg || tries++ > 3) return Promise.resolve();
      var box = svg.getBoundingClientRect(), left = 0, right = 0;
      svg.querySelectorAll("text").forEach(function (t) {
        if (t.closest(".role-title")) return;  /* titles are wrapped to the width already */
        var r = t.getBoundingClientRect();
        if (!r.width) return;
        left = Math.max(left, box.left - r.left);
        right = Math.max(right, r.right - box.right);
      });
      if (left <= 1 && right <= 1) return Promise.resolve();
      var pad = view.padding();
      var next = { top: pad.top, bottom: pad.bottom,
                   left: Math.min(start.left + most, pad.left + (left > 1 ? Math.ceil(left) + 4 : 0)),
                   right: Math.min(start.right + most, pad.right + (right > 1 ? Math.ceil(right) + 4 : 0)) };
      if (next.left === pad.left && next.right === pad.right) return Promise.resolve();
      view.padding(next);
      return view.resize().runAsync().then(function () {
        if (view.width() < avail * 0.35) {  /* the plot would be squeezed: a cut label is the lesser harm */
          view.padding(pad);
          return view.resize().runAsync();
        }
        return step();
      });
    }
    return step();
  }

  /* ------------------------------------------------------------------ drawing */
  var charts = [];

  function specOf(div) {
    if (div._ckSpec) return Promise.resolve(div._ckSpec);
    var inline = div.querySelector("script.ck-spec");
    if (inline) { div._ckSpec = JSON.parse(inline.textContent); return Promise.resolve(div._ckSpec); }
    var src = div.getAttribute("data-src");
    if (!src) return Promise.reject(new Error("chart without a spec"));
    return fetch(src).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + src);
      return r.json();
    }).then(function (spec) { div._ckSpec = spec; return spec; });
  }

  function boundParams(spec) {
    return (spec.params || []).filter(function (p) { return p && p.bind && p.name; });
  }

  function draw(div) {
    if (div._ckDrawing) return div._ckDrawing;
    div.dataset.drawn = "pending";
    div._ckDrawing = Promise.all([specOf(div), loadLibraries()]).then(function (r) {
      return embed(div, r[0]);
    }).catch(function (err) {
      div.dataset.drawn = "error";
      div.style.minHeight = "";
      var note = document.createElement("p");
      note.className = "ck-chart-error";
      note.textContent = "This chart could not be drawn. Its description and data are below it.";
      div.appendChild(note);
      console.warn("chart could not be drawn", err);
    });
    return div._ckDrawing;
  }

  function embed(div, original) {
    var width = available(div);
    var room = div._ckLegendRoom && div._ckLegendRoom.width === width ? div._ckLegendRoom.room : 0;
    var spec = adapt(original, width, room);
    var state = div._ckState || {};
    boundParams(spec).forEach(function (p) { if (p.name in state) p.value = state[p.name]; });
    var old = div._ckView;
    var target = document.createElement("div");
    target.className = "ck-vega-chart";
    var previous = div.querySelector(".ck-vega-chart");
    if (previous) { div.style.minHeight = div.offsetHeight + "px"; }
    div.appendChild(target);
    if (previous) { target.style.position = "absolute"; target.style.visibility = "hidden"; target.style.width = width + "px"; }
    /* Compiled here, and drawn by Vega itself (no vega-embed: 21 kB less to fetch before the first chart), to
     * set what only Vega's own config offers: on narrow screens, legends below a chart are stacked, not
     * placed side by side off the screen's edge. Tooltips are Vega's own (the title the browser shows); the
     * "Show the data" table holds every value for touch and keyboard. */
    var quiet = { level: function () { return quiet; }, warn: function () {}, info: function () {}, debug: function () {},
                  error: function (e) { console.warn(e); } };
    var vg = window.vegaLite.compile(spec, { logger: quiet }).spec;
    if (width < NARROW) vg.config = merge(vg.config || {}, { legend: { layout: { bottom: { direction: "vertical", anchor: "start" } } } });
    var view = new window.vega.View(window.vega.parse(vg), { renderer: "svg", container: target, hover: true,
                                                             logLevel: window.vega.Error });
    return view.runAsync()
      .then(function () {
        return (isComposite(spec) ? fitComposite(div, view, spec) : fitOverhang(div, view)).then(function () { return view; });
      })
      .then(function (view) {
        if (previous) {
          previous.remove();
          target.style.position = ""; target.style.visibility = ""; target.style.width = "";
        }
        if (old) old.finalize();
        div._ckView = view;
        div._ckWidth = width;
        div._ckTheme = document.documentElement.dataset.theme;
        labelBindings(target);
        wireTable(div, original, view);
        div.dataset.drawn = "yes";
        div.dataset.rendered = "yes";
        div.style.minHeight = "";
        div.tabIndex = div.scrollWidth > div.clientWidth + 1 ? 0 : -1;
        if (div.tabIndex < 0) div.removeAttribute("tabindex");
        /* On a narrow screen legend labels are first limited to a guess at the room beside the y labels; where
         * that cut a label short, measure the room the legend has and draw the chart once more with it. */
        if (width < NARROW && !room) {
          var measured = legendRoom(div, width);
          if (measured) {
            div._ckLegendRoom = { width: width, room: measured };
            redraw(div);
            return div._ckDrawing;
          }
        }
      });
  }

  /* The width a narrow chart's legend labels can take, if a label was cut short (Vega ends it with "…") and
   * there is more room than they were given: from the legend's left edge to the column's right edge, less
   * the symbol and padding. Zero when nothing needs redrawing. */
  function legendRoom(div, width) {
    var svg = newestDrawing(div);
    if (!svg) return 0;
    var labels = [].slice.call(svg.querySelectorAll(".role-legend-label text"));
    var cut = labels.filter(function (t) { return /\u2026$/.test(t.textContent); });
    if (!cut.length) return 0;
    var left = svg.getBoundingClientRect().left;
    var start = Math.min.apply(null, cut.map(function (t) { return t.getBoundingClientRect().left; }));
    var widest = Math.max.apply(null, cut.map(function (t) { return t.getBoundingClientRect().width; }));
    var room = Math.floor(width - (start - left) - 12);
    return room > widest + 8 ? room : 0;
  }

  /* Redraw a drawn chart (new width or theme), keeping its controls where the reader left them. */
  function redraw(div) {
    if (div.dataset.drawn !== "yes" || !div._ckView) return;
    var view = div._ckView, state = {};
    boundParams(div._ckSpec).forEach(function (p) {
      try { state[p.name] = view.signal(p.name); } catch (e) { /* not a signal */ }
    });
    div._ckState = state;
    div._ckDrawing = embed(div, div._ckSpec).catch(function (err) { console.warn("chart could not be redrawn", err); });
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

  /* ------------------------------------------------------------------ data tables */
  function captionFor(div) {
    var output = div.closest(".cell_output") || div.parentElement;
    var node = output;
    while (node) {
      var found = node.querySelector && node.querySelector(".ck-caption");
      if (found) return found;
      node = node.nextElementSibling;
      if (node && node.querySelector && node.querySelector(".ck-vega")) return null;
    }
    return null;
  }

  function formatCell(v) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "–";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") {
      if (Number.isInteger(v)) return v.toLocaleString("en-GB");
      return v.toLocaleString("en-GB", { maximumFractionDigits: Math.abs(v) < 1 ? 3 : 2 });
    }
    var s = String(v);
    if (/^\d{4}-\d\d-\d\dT00:00:00$/.test(s)) return s.slice(0, 10);
    return s;
  }

  function same(a, b) {
    if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    return a === b;
  }

  /* An explorer's table shows the rows of the setting on screen: when a control moves, the rows of the
   * precomputed grid that match the new setting replace the old ones. */
  function wireTable(div, spec, view) {
    var params = boundParams(spec);
    if (!params.length) return;
    var caption = captionFor(div);
    var tables = caption ? caption.querySelectorAll("table.ck-table") : [];
    if (!tables.length) return;
    var grid = null;
    Object.keys(spec.datasets || {}).forEach(function (k) {
      var rows = spec.datasets[k];
      if (rows && rows.length && Object.keys(rows[0]).some(function (c) { return c.indexOf("ctl_") === 0; })) grid = rows;
    });
    if (!grid) return;
    var note = caption.querySelector(".ck-state");
    var pending = null;
    function refill() {
      pending = null;
      var state = params.map(function (p) {
        var col = "ctl_" + p.name.replace(/^p_/, ""), value = view.signal(p.name);
        if (typeof value === "number") {   /* a slider: the nearest value the grid holds */
          var best = null;
          grid.forEach(function (r) { if (best === null || Math.abs(r[col] - value) < Math.abs(best - value)) best = r[col]; });
          value = best;
        }
        return [col, value];
      });
      tables.forEach(function (table) {
        var fields = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.getAttribute("data-field"); });
        var filters = JSON.parse(table.getAttribute("data-filter") || "[]");
        var rows = grid.filter(function (r) {
          return state.every(function (s) { return !(s[0] in r) || same(r[s[0]], s[1]); }) &&
                 filters.every(function (f) { return same(r[f[0]], f[1]); });
        });
        var body = document.createElement("tbody");
        rows.slice(0, 400).forEach(function (r) {
          var tr = document.createElement("tr");
          fields.forEach(function (f, i) {
            var cell = document.createElement(i === 0 ? "th" : "td");
            if (i === 0) cell.scope = "row";
            cell.textContent = formatCell(r[f]);
            tr.appendChild(cell);
          });
          body.appendChild(tr);
        });
        table.replaceChild(body, table.querySelector("tbody"));
      });
      if (note) {
        var parts = Array.prototype.map.call(div.querySelectorAll(".vega-bind"), function (bind) {
          var name = (bind.querySelector(".vega-bind-name") || {}).textContent || "";
          var input = bind.querySelector("select, input:checked, input[type=range], input[type=checkbox]");
          var value = "";
          if (input && input.tagName === "SELECT") value = input.options[input.selectedIndex].text;
          else if (input && input.type === "radio") value = (input.closest("label") || {}).textContent || input.value;
          else if (input && input.type === "checkbox") value = input.checked ? "on" : "off";
          else if (input) value = input.value;
          return name.trim().replace(/\s+$/, "") + ": " + String(value).trim();
        });
        note.textContent = "Numbers for the setting shown: " + parts.join("; ") + ".";
      }
    }
    params.forEach(function (p) {
      view.addSignalListener(p.name, function () { if (!pending) pending = setTimeout(refill, 120); });
    });
    if (Object.keys(div._ckState || {}).length) refill();
  }

  /* ------------------------------------------------------------------ lazy start */
  var observer = null;
  var soon = null;
  function setUp() {
    var divs = Array.prototype.slice.call(document.querySelectorAll("div.ck-vega"));
    divs.forEach(function (div) {
      if (div._ckSetUp) return;
      div._ckSetUp = true;
      charts.push(div);
      var h = reserve(div, available(div));
      if (h) { div.style.minHeight = h + "px"; div.dataset.reserved = h; }
      if (observer) { observer.observe(div); soon.observe(div); }
    });
    if (!observer) divs.forEach(draw);
  }
  if ("IntersectionObserver" in window) {
    /* A chart is drawn when it comes within about a screen of the viewport... */
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { observer.unobserve(e.target); draw(e.target); }
      });
    }, { rootMargin: "900px 0px 1200px 0px" });
    /* ...and the libraries start loading when the first chart is a few screens away, so that they are
     * there by the time the reader is. */
    soon = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        soon.disconnect();
        loadLibraries().catch(function () { /* reported when a chart needs them */ });
      }
    }, { rootMargin: "3000px 0px 3000px 0px" });
  }

  function drawAll() {
    setUp();
    return Promise.all(charts.map(function (div) {
      if (observer) observer.unobserve(div);
      return draw(div);
    }));
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (div) {
        if (div._ckWidth && Math.abs(available(div) - div._ckWidth) > 2) redraw(div);
      });
    }, 250);
  });
  new MutationObserver(function () {
    charts.forEach(function (div) {
      if (div._ckTheme && div._ckTheme !== document.documentElement.dataset.theme) redraw(div);
    });
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  window.addEventListener("beforeprint", function () { drawAll(); });

  /* ------------------------------------------------------------------ theme fixes */
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

  /* Phone and tablet navigation. pydata-sphinx-theme >= 0.17 renders a second .primary-toggle and
   * .secondary-toggle in its header, and wires its sidebar dialogs (and sphinx-book-theme its wide-screen
   * toggle) to the first one found, which is not the one shown: the visible buttons do nothing
   * (pydata/pydata-sphinx-theme#2451). Forward a press on any other toggle to the wired one.
   * Remove this once the pinned theme fixes that issue. */
  function fixSidebarToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (cls) {
      var all = document.querySelectorAll("." + cls);
      var wired = all[0];
      Array.prototype.slice.call(all, 1).forEach(function (button) {
        if (button.dataset.ckForward) return;
        button.dataset.ckForward = "yes";
        button.setAttribute("aria-haspopup", "dialog");
        if (!button.getAttribute("aria-label")) button.setAttribute("aria-label", cls === "primary-toggle" ? "Site navigation" : "On this page");
        button.addEventListener("click", function (ev) {
          ev.preventDefault();
          ev.stopImmediatePropagation();
          button.focus();
          wired.click();
        }, true);
      });
    });
    /* Touch readers close a sidebar dialog with a visible button, not only by tapping beside it. */
    ["pst-primary-sidebar-modal", "pst-secondary-sidebar-modal"].forEach(function (id) {
      var dialog = document.getElementById(id);
      if (!dialog || dialog.querySelector(".ck-close")) return;
      var close = document.createElement("button");
      close.type = "button";
      close.className = "ck-close";
      close.textContent = "Close";
      close.addEventListener("click", function () { dialog.close(); });
      dialog.insertBefore(close, dialog.firstChild);
    });
  }

  function init() { fixThemeLabels(); fixSidebarToggles(); setUp(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("load", function () { fixThemeLabels(); setUp(); });

  window.coursekit = { drawAll: drawAll, draw: draw, reserve: reserve };
})();
