/* Light/dark toggle. Without JavaScript the system's scheme applies; with it, the reader's
   choice is remembered on this device. Loaded in <head> so a saved choice applies before paint. */
(function () {
  "use strict";
  var KEY = "pathways-theme";
  var root = document.documentElement;

  function saved() {
    try {
      return localStorage.getItem(KEY);
    } catch (error) {
      return null;
    }
  }

  function remember(value) {
    try {
      localStorage.setItem(KEY, value);
    } catch (error) {
      /* Private browsing: the choice lasts for this page only. */
    }
  }

  function systemScheme() {
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function current() {
    return root.getAttribute("data-theme") || systemScheme();
  }

  var choice = saved();
  if (choice === "light" || choice === "dark") {
    root.setAttribute("data-theme", choice);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var slot = document.querySelector("[data-theme-toggle]");
    if (!slot) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "theme-toggle";
    button.textContent = "Dark theme";
    var update = function () {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    };
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      remember(next);
      update();
    });
    update();
    slot.appendChild(button);
  });
})();
