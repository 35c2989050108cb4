// Account settings: keep "N seconds is M minutes" beside each time field in step with
// what is typed. The page says the same thing, for the saved value, without this file.
(function () {
  "use strict";

  function plural(count, unit) {
    return count + " " + unit + (count === 1 ? "" : "s");
  }

  function words(total) {
    var minutes = Math.floor(total / 60);
    var seconds = total % 60;
    var parts = [];
    if (minutes) parts.push(plural(minutes, "minute"));
    if (seconds) parts.push(plural(seconds, "second"));
    return parts.join(" ");
  }

  document.querySelectorAll("[data-duration-of]").forEach(function (note) {
    var input = document.getElementById(note.getAttribute("data-duration-of"));
    if (!input) return;
    input.addEventListener("input", function () {
      var text = input.value.trim();
      var seconds = Number(text);
      if (!/^\d+$/.test(text) || seconds <= 0) {
        note.textContent = "";
        return;
      }
      note.textContent = plural(seconds, "second") + " is " + words(seconds) + ".";
    });
  });
})();
