// Dark mode follows the system setting: Bootstrap 5.3 reads data-bs-theme.
// Loaded in <head> without defer, so the page never flashes the other theme.
(function () {
  "use strict";
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  if (query.addEventListener) query.addEventListener("change", apply);
})();
