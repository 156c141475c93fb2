// Helpdesk: small behaviours, no inline script (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  // A form is sent once: the submit button is disabled after the first click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-get") || form.hasAttribute("hx-post") || form.dataset.resubmit !== undefined) return;
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
    });
  });
  // Forms re-enabled when the page comes back from the browser's history.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll(".disabled[aria-disabled]").forEach(function (button) {
        button.classList.remove("disabled");
        button.removeAttribute("aria-disabled");
      });
    });
  });

  // "Select all" boxes: <input type=checkbox data-select-all="name-of-boxes">
  document.addEventListener("change", function (event) {
    var name = event.target.dataset && event.target.dataset.selectAll;
    if (!name) return;
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  // After a failed send the error summary takes the focus, so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
  // A link in the summary moves the focus into its field (not only the scroll).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({block: "center"});
    field.focus();
  });

  // A region htmx is refreshing says so (aria-busy) until the new content is in,
  // so a screen reader announces the live region once, with the new content.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("aria-live")) target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target) target.removeAttribute("aria-busy");
  });

  // Print buttons: <button data-print>
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
