// The service desk's pages: small helpers, no inline script (the CSP forbids it).
(function () {
  "use strict";

  // Impact × urgency → priority, shown next to the accept and details forms:
  // <output data-priority-for="accept" data-labels='{"1": "…"}'>
  function showPriority(output) {
    var form = output.closest("form");
    if (!form) return;
    var prefix = output.dataset.priorityFor;
    var impact = form.querySelector('[name="' + prefix + '-impact"]');
    var urgency = form.querySelector('[name="' + prefix + '-urgency"]');
    if (!impact || !urgency || !impact.value || !urgency.value) return;
    var labels = JSON.parse(output.dataset.labels || "{}");
    var priority = parseInt(impact.value, 10) + parseInt(urgency.value, 10) - 1;
    output.textContent = labels[String(priority)] || "";
  }

  function refreshPriorities() {
    document.querySelectorAll("output[data-priority-for]").forEach(showPriority);
  }

  document.addEventListener("change", function (event) {
    if (event.target.name && /-(impact|urgency)$/.test(event.target.name)) refreshPriorities();
  });
  document.addEventListener("DOMContentLoaded", refreshPriorities);

  // "Find a person": <input data-filter-select="id_reporter"> narrows that select's options.
  document.addEventListener("input", function (event) {
    var id = event.target.dataset && event.target.dataset.filterSelect;
    if (!id) return;
    var select = document.getElementById(id);
    if (!select) return;
    var words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      var text = option.textContent.toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      option.hidden = !match;
      if (match && first === null) first = option;
    });
    if (first && (select.selectedIndex <= 0 || select.options[select.selectedIndex].hidden)) {
      first.selected = true;
    }
  });
})();
