// interviewprep — the interview page: countdown, autosave, keyboard shortcuts.
// Everything here is an enhancement: without JavaScript the same forms post and redirect,
// and the server keeps the time either way.
(function () {
  "use strict";

  var AUTOSAVE_DELAY_MS = 1200;
  var TICK_MS = 250;
  var ANNOUNCE_AT = [60, 30, 10]; // seconds left at which screen readers hear the time

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    if (minutes >= 60) {
      var hours = Math.floor(minutes / 60);
      minutes = minutes % 60;
      return hours + ":" + String(minutes).padStart(2, "0") + ":" + String(rest).padStart(2, "0");
    }
    return minutes + ":" + String(rest).padStart(2, "0");
  }

  function inWords(seconds) {
    if (seconds >= 60 && seconds % 60 === 0) {
      var minutes = seconds / 60;
      return minutes === 1 ? "1 minute" : minutes + " minutes";
    }
    return seconds === 1 ? "1 second" : seconds + " seconds";
  }

  function setStatus(text, isError) {
    var status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
    if (isError) status.setAttribute("role", "alert");
    else status.removeAttribute("role");
  }

  // --- the answer form: autosave, Ctrl/Cmd+Enter, submit when time is up -------------

  function setUpAnswerForm(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    var textarea = form.querySelector("[data-answer]");
    var submit = form.querySelector("[data-submit]");
    var draftUrl = form.dataset.draftUrl;
    // What the server holds: the text the page came with. Text typed before this script
    // ran (a slow load) differs from it and is saved at once.
    var saved = textarea.defaultValue;
    var sending = null;
    var pendingTimer = null;
    var closed = false;

    function save() {
      window.clearTimeout(pendingTimer);
      pendingTimer = null;
      var text = textarea.value;
      if (closed || text === saved || sending !== null) return;
      sending = text;
      setStatus("Saving…");
      window.htmx
        .ajax("POST", draftUrl, {
          source: textarea,
          target: "#save-status",
          swap: "outerHTML",
          values: { answer: text },
        })
        .catch(function () {
          setStatus("Not saved: the connection was lost. Keep typing; it saves when it is back.", true);
        })
        .finally(function () {
          sending = null;
          if (!closed && textarea.value !== saved) schedule();
        });
    }

    function schedule() {
      window.clearTimeout(pendingTimer);
      pendingTimer = window.setTimeout(save, AUTOSAVE_DELAY_MS);
    }

    // The request's outcome: only a stored draft counts as saved.
    textarea.addEventListener("htmx:afterRequest", function (event) {
      if (event.target !== textarea) return;
      if (event.detail.successful) {
        var status = document.getElementById("save-status");
        if (status && !status.classList.contains("error")) saved = sending;
      } else if (event.detail.failed) {
        setStatus("Not saved: the server did not answer. Keep typing; it tries again.", true);
      }
    });

    textarea.addEventListener("input", schedule);
    textarea.addEventListener("blur", save);
    if (textarea.value !== saved) schedule();

    // Leaving the page: send what is not saved yet, even as the page goes away.
    function flush() {
      if (closed || textarea.value === saved) return;
      var body = new FormData();
      body.append("answer", textarea.value);
      try {
        window.fetch(draftUrl, {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
          credentials: "same-origin",
          keepalive: true,
          redirect: "manual",
        });
        saved = textarea.value;
      } catch (error) {
        // Nothing more can be done while the page unloads.
      }
    }
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });

    form.addEventListener("submit", function () {
      closed = true;
      window.clearTimeout(pendingTimer);
    });

    form.interviewSubmit = function () {
      if (closed) return;
      submit.click();
    };
  }

  // --- the countdown -------------------------------------------------------------------

  function setUpTimer(timer) {
    if (timer.dataset.ready) return;
    timer.dataset.ready = "1";
    var display = timer.querySelector("[data-timer-clock]");
    var announcer = document.querySelector("[data-timer-announce]");
    var form = document.querySelector("[data-answer-form]");
    var end = Date.now() + Number(timer.dataset.remainingMs || 0);
    var announced = {};
    var firstLeft = Math.ceil(Math.max(0, end - Date.now()) / 1000);
    ANNOUNCE_AT.forEach(function (mark) {
      if (firstLeft < mark) announced[mark] = true; // passed before this page loaded
    });
    var interval = null;

    function announce(text) {
      if (announcer) announcer.textContent = text;
    }

    function tick() {
      if (!document.body.contains(timer)) {
        window.clearInterval(interval);
        return;
      }
      var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      display.textContent = clock(left);
      timer.classList.toggle("low", left <= 60);
      timer.classList.toggle("critical", left <= 10);
      ANNOUNCE_AT.forEach(function (mark) {
        if (left <= mark && left > 0 && !announced[mark]) {
          announced[mark] = true;
          announce(inWords(mark) + " left.");
        }
      });
      if (left <= 0) {
        window.clearInterval(interval);
        timer.classList.add("done");
        // A form showing an error was already sent once: do not send it again by itself.
        if (form && !form.querySelector("[role=alert]") && form.interviewSubmit) {
          announce("Time is up. Your answer is being submitted.");
          form.interviewSubmit();
        } else {
          announce("Time is up.");
        }
      }
    }
    tick();
    interval = window.setInterval(tick, TICK_MS);
  }

  // --- keyboard ------------------------------------------------------------------------

  function isTyping(element) {
    if (!element) return false;
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable) return true;
    return tag === "INPUT" && !/^(radio|checkbox|button|submit)$/.test(element.type);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var answerForm = document.querySelector("[data-answer-form]");
      if (answerForm && answerForm.interviewSubmit) {
        event.preventDefault();
        answerForm.interviewSubmit();
        return;
      }
      var ratingForm = document.querySelector("[data-rating-form]");
      if (ratingForm) {
        event.preventDefault();
        ratingForm.querySelector("button[type=submit]").click();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (!/^[1-4]$/.test(event.key)) return;
    var radio = document.querySelector("[data-rating-form] input[data-key='" + event.key + "']");
    if (radio) {
      event.preventDefault();
      radio.checked = true;
      radio.focus();
    }
  });

  // --- set up on load and after every htmx swap ------------------------------------------

  function setUp(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-answer-form]").forEach(setUpAnswerForm);
    scope.querySelectorAll("[data-timer]").forEach(setUpTimer);
  }

  document.addEventListener("htmx:load", function (event) {
    setUp(event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
})();
