// The query page: YASGUI (served from this server) with the named queries as tabs.
// Configuration comes from a JSON block in the page, so no inline script is needed
// (the Content-Security-Policy allows scripts from this origin only).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("npt-kg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    autoAddOnInit: false,
    populateFromUrl: false,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
    },
    yasqe: {
      // Only completions that need no outside service (the page may only talk to this server).
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: null,
    },
  });
  var tabs = {};
  config.queries.forEach(function (q, i) {
    var tab = yasgui.addTab(i === 0, {
      name: q.title,
      yasqe: { value: q.sparql },
      requestConfig: { endpoint: endpoint },
    });
    tabs[q.name] = tab.getId();
  });
  if (config.queries.length === 0) {
    yasgui.addTab(true, {
      name: "Query",
      yasqe: { value: "SELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 10" },
      requestConfig: { endpoint: endpoint },
    });
  }
  function selectFromHash() {
    var wanted = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    if (tabs[wanted]) { yasgui.selectTabId(tabs[wanted]); }
  }
  selectFromHash();
  window.addEventListener("hashchange", selectFromHash);
})();
