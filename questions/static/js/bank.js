// The bank's filter form: keep it in step with the address bar when the back or forward
// button restores earlier results, so the form always shows what the list is filtered by.
(function () {
  "use strict";

  function syncFiltersWithAddress() {
    var form = document.querySelector("form[data-bank-filters]");
    if (!form) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    var search = form.elements.namedItem("q");
    if (search) {
      search.value = params.get("q") || "";
    }
    form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) !== -1;
    });
  }

  document.addEventListener("htmx:historyRestore", syncFiltersWithAddress);

  // On a narrow screen the level and topic filters start folded away, so the results
  // show first; on a wide one they stay open beside the list.
  var wide = window.matchMedia("(min-width: 900px)");

  function fitFilterPanel() {
    var panel = document.querySelector("[data-filter-panel]");
    if (panel) {
      panel.open = wide.matches;
    }
  }

  fitFilterPanel();
  wide.addEventListener("change", fitFilterPanel);
})();
