// A YASR plugin: SELECT results as a bar chart (Chart.js, served from this server) or a pivot table.
//
// Written here rather than taken from npm because the YASR chart plugins published there load
// Google Charts from Google's servers, which this page may not (its Content-Security-Policy
// allows this origin only). The charting itself is Chart.js; the pivot is a plain count or sum.
(function () {
  "use strict";
  if (typeof Yasgui === "undefined" || !Yasgui.Yasr) { return; }

  function numeric(binding) {
    if (!binding) { return NaN; }
    var n = Number(binding.value);
    return binding.type === "literal" && binding.value.trim() !== "" ? n : NaN;
  }
  function text(binding) {
    if (!binding) { return "—"; }
    var v = binding.value;
    if (binding.type === "uri") { v = v.replace(/^.*[\/#]/, ""); }
    return v;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function select(name, options, chosen) {
    var s = el("select", { name: name, "aria-label": name });
    options.forEach(function (o) {
      var opt = el("option", { value: o.value }, [o.label]);
      if (o.value === chosen) { opt.selected = true; }
      s.appendChild(opt);
    });
    return s;
  }

  /** Group rows by `keyOf`, summing `valueOf` (or counting when valueOf is null). */
  function aggregate(rows, keyOf, valueOf) {
    var order = [], totals = {};
    rows.forEach(function (row) {
      var key = keyOf(row);
      if (!(key in totals)) { totals[key] = 0; order.push(key); }
      totals[key] += valueOf ? (isNaN(valueOf(row)) ? 0 : valueOf(row)) : 1;
    });
    return { keys: order, totals: totals };
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
    this.chart = null;
    this.settings = { mode: "bar" };
  }
  ChartPlugin.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    if (!r || !r.getVariables || r.getType() !== "json") { return false; }
    var vars = r.getVariables() || [];
    return vars.length > 0 && (r.getBindings() || []).length > 0;
  };
  ChartPlugin.prototype.getIcon = function () {
    var icon = el("span", { class: "npt-chart-icon", "aria-hidden": "true" }, ["▥"]);
    return icon;
  };
  ChartPlugin.prototype.destroy = function () {
    if (this.chart) { this.chart.destroy(); this.chart = null; }
  };
  ChartPlugin.prototype.draw = function () {
    this.destroy();
    var self = this;
    var results = this.yasr.results;
    var vars = results.getVariables();
    var rows = results.getBindings();
    var numericVars = vars.filter(function (v) {
      return rows.some(function (r) { return !isNaN(numeric(r[v])); });
    });
    var s = this.settings;
    if (!s.label || vars.indexOf(s.label) < 0) { s.label = vars[0]; }
    if (s.value !== "" && (!s.value || numericVars.indexOf(s.value) < 0)) { s.value = numericVars[0] || ""; }
    if (!s.rows || vars.indexOf(s.rows) < 0) { s.rows = vars[0]; }
    if (!s.columns || vars.indexOf(s.columns) < 0) { s.columns = vars[Math.min(1, vars.length - 1)]; }

    var root = this.yasr.resultsEl;
    root.innerHTML = "";
    var box = el("div", { class: "npt-chart" });
    var controls = el("div", { class: "npt-chart-controls" });
    var varOptions = vars.map(function (v) { return { value: v, label: "?" + v }; });
    var valueOptions = [{ value: "", label: "count of rows" }].concat(
      numericVars.map(function (v) { return { value: v, label: "sum of ?" + v }; }));
    var mode = select("view", [{ value: "bar", label: "Bar chart" }, { value: "pivot", label: "Pivot table" }], s.mode);
    controls.appendChild(mode);
    var pickers = {};
    if (s.mode === "bar") {
      pickers.label = select("bars", varOptions, s.label);
      controls.appendChild(el("label", {}, ["bars: ", pickers.label]));
    } else {
      pickers.rows = select("rows", varOptions, s.rows);
      pickers.columns = select("columns", varOptions, s.columns);
      controls.appendChild(el("label", {}, ["rows: ", pickers.rows]));
      controls.appendChild(el("label", {}, ["columns: ", pickers.columns]));
    }
    pickers.value = select("value", valueOptions, s.value);
    controls.appendChild(el("label", {}, ["value: ", pickers.value]));
    box.appendChild(controls);
    function redraw() {
      s.mode = mode.value;
      Object.keys(pickers).forEach(function (k) { s[k] = pickers[k].value; });
      self.draw();
    }
    [mode].concat(Object.keys(pickers).map(function (k) { return pickers[k]; })).forEach(function (p) {
      p.addEventListener("change", redraw);
    });
    var valueOf = s.value ? function (r) { return numeric(r[s.value]); } : null;

    if (s.mode === "bar") {
      var agg = aggregate(rows, function (r) { return text(r[s.label]); }, valueOf);
      var canvasBox = el("div", { class: "npt-chart-canvas" });
      canvasBox.style.height = Math.max(240, Math.min(24 * agg.keys.length + 60, 2400)) + "px";
      var canvas = el("canvas", { role: "img", "aria-label": "bar chart" });
      canvasBox.appendChild(canvas);
      box.appendChild(canvasBox);
      root.appendChild(box);
      if (typeof Chart === "undefined") {
        box.appendChild(el("p", { class: "note" }, ["Chart.js is not installed here (npt-kg assets install); the pivot table works without it."]));
        return;
      }
      this.chart = new Chart(canvas, {
        type: "bar",
        data: {
          labels: agg.keys,
          datasets: [{ label: s.value ? "sum of ?" + s.value : "rows", data: agg.keys.map(function (k) { return agg.totals[k]; }),
                       backgroundColor: "#0b5cad" }],
        },
        options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
                   plugins: { legend: { display: false } } },
      });
      return;
    }
    // pivot: distinct ?rows down, distinct ?columns across, count or sum in the cells
    var rowKeys = [], colKeys = [], cells = {};
    rows.forEach(function (r) {
      var rk = text(r[s.rows]), ck = text(r[s.columns]);
      if (rowKeys.indexOf(rk) < 0) { rowKeys.push(rk); }
      if (colKeys.indexOf(ck) < 0) { colKeys.push(ck); }
      var key = rk + "\u0000" + ck;
      var add = valueOf ? (isNaN(valueOf(r)) ? 0 : valueOf(r)) : 1;
      cells[key] = (cells[key] || 0) + add;
    });
    var table = el("table", { class: "npt-pivot" });
    var head = el("tr", {}, [el("th", {}, ["?" + s.rows + " \\ ?" + s.columns])]);
    colKeys.forEach(function (c) { head.appendChild(el("th", {}, [c])); });
    head.appendChild(el("th", {}, ["total"]));
    table.appendChild(el("thead", {}, [head]));
    var body = el("tbody");
    rowKeys.forEach(function (rk) {
      var tr = el("tr", {}, [el("th", {}, [rk])]);
      var total = 0;
      colKeys.forEach(function (ck) {
        var v = cells[rk + "\u0000" + ck] || 0;
        total += v;
        tr.appendChild(el("td", {}, [v ? String(v) : ""]));
      });
      tr.appendChild(el("td", { class: "total" }, [String(total)]));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
    root.appendChild(box);
  };

  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
