// Triage list: resolve a report through POST /api/reports/{id}/resolve.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  document.querySelectorAll("form.resolve").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const response = await fetch("/api/reports/" + form.dataset.report + "/resolve", {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
        credentials: "same-origin",
        body: JSON.stringify({resolution: form.resolution.value}),
      });
      const data = await response.json();
      const box = document.getElementById("resolve-message");
      if (!response.ok) { box.textContent = data.error.message; box.classList.add("bad"); return; }
      window.location.reload();
    });
  });
})();
