// The explore page: each view asks the SPARQL endpoint for its named query's rows (JSON) and
// draws them with vega-embed, from the spec the server put in the page (the same spec
// `npt-kg plot` draws). Expressions go through vega-interpreter: the page's
// Content-Security-Policy forbids eval(). The language switch redraws from the kept rows.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("explore-config").textContent);
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger)$/;
  var LANG_KEY = "npt-kg-explore-lang";
  var rowsByView = {};

  function localPath(iri) {
    return iri.indexOf(config.idNs) === 0 ? config.idPath + iri.slice(config.idNs.length) : iri;
  }

  // SPARQL JSON results -> plain rows: numbers as numbers, IRIs as strings plus an `xHref` page.
  function plainRows(json, view) {
    var vars = json.head.vars;
    return json.results.bindings.map(function (b) {
      var row = {};
      vars.forEach(function (v) {
        var t = b[v];
        if (!t) { return; }
        if (t.type === "uri") {
          row[v] = t.value;
          row[v + "Href"] = localPath(t.value);
        } else if (t.datatype && NUMERIC.test(t.datatype)) {
          row[v] = Number(t.value);
        } else {
          row[v] = t.value;
        }
      });
      Object.keys(view.links).forEach(function (col) {
        var link = view.links[col];
        var query = Object.keys(link.params).map(function (p) {
          return encodeURIComponent(p) + "=" + encodeURIComponent(row[link.params[p]] || "");
        }).join("&");
        row[col] = link.base + "?" + query;
      });
      return row;
    });
  }

  function fetchRows(view) {
    return fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(view.sparql),
    }).then(function (resp) {
      if (!resp.ok) {
        return resp.text().then(function (text) { throw new Error("HTTP " + resp.status + ": " + text.slice(0, 200)); });
      }
      return resp.json();
    }).then(function (json) { return plainRows(json, view); });
  }

  function withRows(view, lang, rows) {
    var spec = JSON.parse(JSON.stringify(view.specs[lang]));
    if (view.kind === "vega") {
      spec.data.forEach(function (d) { if (d.name === "rows") { d.values = rows; } });
    } else {
      spec.datasets.rows = rows;
    }
    return spec;
  }

  function draw(el, view, lang) {
    var rows = rowsByView[view.name];
    el.dataset.state = "drawing";
    return vegaEmbed(el, withRows(view, lang, rows), {
      mode: view.kind,
      renderer: "svg",
      ast: true,
      expr: vega.expressionInterpreter,
      loader: vega.loader({ target: "_self" }),
      actions: { export: true, source: false, compiled: false, editor: false },
    }).then(function () {
      el.dataset.rows = String(rows.length);
      el.dataset.lang = lang;
      el.dataset.state = "rendered";
    });
  }

  function fail(el, err) {
    el.dataset.state = "error";
    el.textContent = "Could not draw this picture: " + err.message;
  }

  function currentLang() {
    var fromUrl = new URLSearchParams(window.location.search).get("lang");
    var stored = null;
    try { stored = window.localStorage.getItem(LANG_KEY); } catch (e) { stored = null; }
    var lang = fromUrl || stored || "en";
    return lang === "zh" ? "zh" : "en";
  }

  function setLang(lang, redraw) {
    document.documentElement.dataset.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh" : "en";
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.setLang === lang));
    });
    try { window.localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode: not kept */ }
    if (!redraw) { return; }
    config.views.forEach(function (view) {
      var el = document.querySelector('.chart[data-view="' + view.name + '"]');
      if (rowsByView[view.name]) { draw(el, view, lang).catch(function (err) { fail(el, err); }); }
    });
  }

  var lang = currentLang();
  setLang(lang, false);
  document.querySelectorAll("[data-set-lang]").forEach(function (b) {
    b.addEventListener("click", function () { setLang(b.dataset.setLang, true); });
  });
  config.views.forEach(function (view) {
    var el = document.querySelector('.chart[data-view="' + view.name + '"]');
    fetchRows(view).then(function (rows) {
      rowsByView[view.name] = rows;
      return draw(el, view, document.documentElement.dataset.lang);
    }).catch(function (err) { fail(el, err); });
  });
})();
