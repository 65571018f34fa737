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
  document.getElementById("kopa-new-tab").addEventListener("click", function () { yasgui.addTab(true); });
  mend(config.labels);
  new MutationObserver(function () { mend(config.labels); }).observe(document.getElementById("yasgui"),
                                                                     {childList: true, subtree: true});
  window.kopaYasgui = yasgui;
}());

// YASGUI's markup, mended where an accessibility check (axe-core, tests/test_editor.py) finds it wanting; each
// change is made only where it is not made already, so the observer that calls this settles at once.
function mend(labels) {
  "use strict";
  function set(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  // a tab names the panel it controls, but only the open tab's panel is in the page
  document.querySelectorAll("#yasgui [role=tab][aria-controls]").forEach(function (tab) {
    if (!document.getElementById(tab.getAttribute("aria-controls"))) { tab.removeAttribute("aria-controls"); }
  });
  // the fields have no label of their own
  document.querySelectorAll("#yasgui input.autocomplete").forEach(function (el) {
    set(el, "aria-label", labels.endpoint);
  });
  document.querySelectorAll("#yasgui .CodeMirror textarea").forEach(function (el) {
    set(el, "aria-label", labels.query);
  });
  document.querySelectorAll("#yasgui select.tableSizer").forEach(function (el) { set(el, "aria-label", labels.rows); });
  // the answer's first column (the row's number) has an empty heading
  document.querySelectorAll("#yasgui .yasr th .dt-column-title").forEach(function (el) {
    if (el.textContent === "" && el.closest("th").getAttribute("data-dt-column") === "0") { el.textContent = "#"; }
  });
  // the editor's scrolling box can be reached with the keyboard
  document.querySelectorAll("#yasgui .CodeMirror-scroll").forEach(function (el) { set(el, "tabindex", "0"); });
}
