// The fact page's "mark wrong" form through the API, without leaving the page (the form
// still works without JavaScript). The token is kept for the tab's session only.
(function () {
  "use strict";
  const form = document.getElementById("flag-form");
  if (!form) return;
  const section = document.getElementById("fact-flag");
  const token = document.getElementById("flag-token");
  const problem = document.getElementById("flag-error");
  const saved = sessionStorage.getItem("zhibiao-token");
  if (saved) token.value = saved;

  function show(flag) {
    section.classList.toggle("is-flagged", Boolean(flag));
    document.getElementById("flag-status").hidden = !flag;
    document.getElementById("unflag-button").hidden = !flag;
    document.getElementById("flag-when").textContent = flag ? flag.flagged_at : "";
    document.getElementById("flag-note").textContent = flag && flag.note ? flag.note : "";
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const clear = event.submitter && event.submitter.value === "clear";
    problem.textContent = "";
    const options = {
      method: clear ? "DELETE" : "POST",
      headers: {"Authorization": "Bearer " + token.value, "Content-Type": "application/json"},
    };
    if (!clear) options.body = JSON.stringify({note: document.getElementById("flag-note-input").value});
    try {
      const answer = await fetch("/api/facts/" + section.dataset.fact + "/flag", options);
      const body = await answer.json();
      if (!answer.ok || !body.ok) throw new Error(body.error || answer.statusText);
      sessionStorage.setItem("zhibiao-token", token.value);
      show(clear ? null : body);
    } catch (err) {
      problem.textContent = String(err.message || err);
    }
  });
})();
