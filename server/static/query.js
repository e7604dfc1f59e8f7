// The query page: YASGUI (served from this server) beside a searchable list of the named queries.
// Configuration comes from a JSON block in the page, so no inline script is needed
// (the Content-Security-Policy allows scripts from this origin only).
//
// - Tabs and their queries persist in localStorage (YASGUI's persistence): an edit survives a reload.
// - YASGUI's share links carry the query in the URL's fragment (#query=…), read back on load
//   (populateFromUrl). The fragment never reaches the server, so /sparql#query=… is this page
//   with that query, while /sparql?query=… stays the SPARQL protocol and answers with results.
// - Result IRIs in the graph's namespace link to this server's page for them.
// - When a SELECT returns as many rows as the server's row cap, a notice says it may be cut.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("npt-kg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var pageUrl = window.location.origin + window.location.pathname;

  var byName = {};
  config.queries.forEach(function (q) { byName[q.name] = q; });
  var fromHash = decodeURIComponent(window.location.hash.replace(/^#/, ""));
  var named = byName[fromHash];
  if (named) { history.replaceState(null, "", pageUrl); } // not a share link: keep YASGUI from reading it

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: "npt-kg-query",
    autoAddOnInit: true,
    populateFromUrl: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
    },
    yasqe: {
      // Only completions that need no outside service (the page may only talk to this server).
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: null,
      value: config.queries.length ? config.queries[0].sparql : "SELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 10",
    },
    yasr: { pluginOrder: ["table", "chart", "response"], prefixes: {} },
  });

  // --- the named queries ---------------------------------------------------------------------
  function openNamed(q) {
    var tabs = yasgui.persistentConfig.getTabs();
    for (var i = 0; i < tabs.length; i++) {
      var existing = yasgui.getTab(tabs[i]);
      if (existing && existing.getName() === q.title) { yasgui.selectTabId(tabs[i]); return existing; }
    }
    var tab = yasgui.addTab(true, { name: q.title, yasqe: { value: q.sparql }, requestConfig: { endpoint: endpoint } });
    return tab;
  }
  if (named) { openNamed(named); }

  var search = document.getElementById("query-search");
  var items = Array.prototype.slice.call(document.querySelectorAll("#query-list li"));
  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var text = li.getAttribute("data-search");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      li.hidden = !match;
      if (match) { shown++; }
    });
    document.getElementById("query-none").hidden = shown !== 0;
  }
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    var first = items.filter(function (li) { return !li.hidden; })[0];
    if (first) { event.preventDefault(); openNamed(byName[first.getAttribute("data-name")]); }
  });
  items.forEach(function (li) {
    li.querySelector("a").addEventListener("click", function (event) {
      event.preventDefault();
      openNamed(byName[li.getAttribute("data-name")]);
    });
  });

  // --- result IRIs of this graph open here -----------------------------------------------------
  function localHref(href) {
    if (href && href.indexOf(config.idNamespace) === 0) {
      return config.idPath + href.slice(config.idNamespace.length);
    }
    return null;
  }
  function relink(root) {
    var anchors = root.querySelectorAll("a[href^='" + config.idNamespace + "']");
    for (var i = 0; i < anchors.length; i++) {
      var a = anchors[i];
      var local = localHref(a.getAttribute("href"));
      if (local) {
        a.setAttribute("title", a.getAttribute("href"));
        a.setAttribute("href", local);
        a.removeAttribute("target");
      }
    }
  }
  var root = document.getElementById("yasgui");
  new MutationObserver(function () { relink(root); }).observe(root, { childList: true, subtree: true });

  // --- the row cap ------------------------------------------------------------------------------
  var notice = document.getElementById("row-cap");
  function checkCap(instance, tab) {
    var yasr = tab.getYasr();
    var results = yasr && yasr.results;
    var rows = results && results.getBindings ? (results.getBindings() || []).length : 0;
    var cut = config.maxRows && results && results.getVariables && results.getVariables().length &&
      rows >= config.maxRows;
    notice.hidden = !cut;
    notice.textContent = cut
      ? "This result stopped at the server's row cap of " + config.maxRows.toLocaleString("en") +
        " rows, so it is probably incomplete. Add LIMIT and OFFSET to page through it, or aggregate."
      : "";
  }
  yasgui.on("queryResponse", function (instance, tab) { window.setTimeout(function () { checkCap(instance, tab); }, 0); });
  yasgui.on("tabSelect", function () { notice.hidden = true; });
  window.addEventListener("hashchange", function () {
    var q = byName[decodeURIComponent(window.location.hash.replace(/^#/, ""))];
    if (q) { openNamed(q); history.replaceState(null, "", pageUrl); }
  });
  // YASGUI stores the editor's text when it loses focus or runs; a reload does neither, so store it
  // when the page goes away too (localStorage writes are synchronous, so this finishes in time).
  function keepEdit() {
    var tab = yasgui.getTab();
    var yasqe = tab && tab.getYasqe();
    if (yasqe && typeof tab.handleYasqeBlur === "function") { tab.handleYasqeBlur(yasqe); }
  }
  window.addEventListener("pagehide", keepEdit);
  document.addEventListener("visibilitychange", function () { if (document.hidden) { keepEdit(); } });
  window.nptKgYasgui = yasgui; // for people poking at the page from the console (and the browser tests)
})();
