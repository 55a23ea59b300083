// claimcheck editor's desk: keyboard keys and in-place decisions. The page works without it:
// every form posts and comes back; this only saves the reload and adds the keys.
//   j / k   next / previous claim in the queue      c   confirm the current flag
//   d       dismiss the current flag (type why)     n   add a note to the current flag
//   f       mark the current claim fixed in draft
(function () {
  "use strict";

  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".queue .card")); }

  var current = null;

  function currentFlag(card) {
    if (!card) { return null; }
    return card.querySelector('.flag[data-status="open"], .flag[data-status="reopened"]') || card.querySelector(".flag");
  }

  function select(card, scroll) {
    var marks = document.querySelectorAll(".article-text .mark.current, .queue .card.current, .flag.current-flag");
    Array.prototype.forEach.call(marks, function (element) {
      element.classList.remove("current", "current-flag");
    });
    current = card;
    if (!card) { return; }
    card.classList.add("current");
    var flag = currentFlag(card);
    if (flag) { flag.classList.add("current-flag"); }
    var mark = document.querySelector('.article-text .mark[data-claim="' + card.dataset.claim + '"]');
    if (mark) {
      mark.classList.add("current");
      mark.classList.toggle("done", card.dataset.undecided === "0");
      if (scroll) { mark.scrollIntoView({block: "nearest"}); }
    }
    if (scroll) {
      card.scrollIntoView({block: "start"});
      card.focus({preventScroll: true});
    }
  }

  function move(step) {
    var all = cards();
    if (!all.length) { return; }
    var index = all.indexOf(current);
    index = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[index], true);
  }

  function submit(form) {
    var card = form.closest(".card");
    // getAttribute: the forms carry an input named "action", which shadows form.action.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"X-Claimcheck-Fragment": "1"}
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 400) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      var template = document.createElement("template");
      template.innerHTML = html.trim();
      var fresh = template.content.firstElementChild;
      if (fresh && card) {
        card.replaceWith(fresh);
        select(fresh, false);
        fresh.focus({preventScroll: true});
      }
    });
  }

  function open(kind) {
    var flag = currentFlag(current);
    var details = flag && flag.querySelector("details." + kind);
    if (!details) { return; }
    details.open = true;
    var field = details.querySelector("textarea");
    if (field) { field.focus(); }
  }

  function press(selector, scope) {
    var button = scope && scope.querySelector(selector);
    if (button) { button.click(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("decide-form")) { return; }
    event.preventDefault();
    submit(form).catch(function () { form.submit(); });
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target.closest && target.closest("input, textarea, select")) {
      // Enter in a reason box sends it; Shift+Enter makes a new line; Escape leaves the box.
      if (target.tagName === "TEXTAREA" && event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        if (target.form.reportValidity()) { target.form.requestSubmit(); }
      } else if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      c: function () { press('button[data-key="c"]', currentFlag(current)); },
      d: function () { open("dismiss"); },
      n: function () { open("note"); },
      f: function () { press('.claim-actions button[data-key="f"]', current); }
    };
    var action = actions[event.key];
    if (!action) { return; }
    event.preventDefault();
    if (!current && event.key !== "j" && event.key !== "k") { move(1); }
    action();
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.tagName === "SELECT" && select.form && select.form.classList.contains("filters")) { select.form.submit(); }
  });

  document.addEventListener("click", function (event) {
    var card = event.target.closest && event.target.closest(".queue .card");
    if (card && card !== current) { select(card, false); }
    var mark = event.target.closest && event.target.closest(".article-text .mark");
    if (mark) {
      var chosen = document.getElementById("claim-" + mark.dataset.claim);
      if (chosen) { event.preventDefault(); select(chosen, true); }
    }
  });
})();
