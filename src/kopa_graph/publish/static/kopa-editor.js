// Starts the vendored YASGUI on serve's query editor page (kopa_graph.publish.server.pages.editor) from the
// JSON the page carries: the endpoint (this server's /sparql), the project's prefixes, and a tab per query
// helper. Nothing is fetched from any other host: no CORS proxy, no prefix.cc, no LOV autocompletion, and
// nothing is kept in the browser's storage between visits.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kopa-editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var prefixes = Object.keys(config.prefixes).sort().map(function (p) {
    return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
  }).join("\n");
  var first = prefixes + "\n\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 10\n";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {endpoint: endpoint, method: "POST"},
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }},
    corsProxy: undefined,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: true,
    yasqe: {value: first, autocompleters: ["variables"], persistenceId: null, resizeable: true},
    yasr: {persistenceId: null, prefixes: config.prefixes}
  });
  config.tabs.forEach(function (tab) {
    yasgui.addTab(false, {name: tab.name, yasqe: {value: tab.query}, requestConfig: {endpoint: endpoint}});
  });
  window.kopaYasgui = yasgui;
}());
