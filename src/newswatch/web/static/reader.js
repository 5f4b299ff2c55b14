// Article reader: rating, grades, comments and error reports through the JSON API.
// Offsets sent to the server are Python code points: each text segment carries its start
// offset (data-o) and the characters before the selection point are counted with Array.from.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("reader-config").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const textBox = document.getElementById("text");
  const base = "/api/articles/" + encodeURIComponent(cfg.article);

  function say(id, text, bad) {
    const el = document.getElementById(id);
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("bad", !!bad);
  }

  async function send(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const message = data && data.error ? data.error.message : cfg.messages.failed;
      throw new Error(message);
    }
    return data;
  }

  // -- rating and grades ------------------------------------------------------------------
  function showAverage(summary) {
    const el = document.getElementById("rating-average");
    if (summary.average !== null) {
      const average = Number(summary.average).toFixed(1);
      el.textContent = cfg.messages.average.replace("{average}", average).replace("{count}", summary.count);
      el.dataset.average = average;
    }
    const mine = summary.mine && summary.mine.stars ? summary.mine.stars : 0;
    document.querySelectorAll(".star").forEach(function (b) {
      b.classList.toggle("on", Number(b.dataset.stars) <= mine);
    });
  }

  document.querySelectorAll(".star").forEach(function (button) {
    button.addEventListener("click", async function () {
      try {
        showAverage(await send("PUT", base + "/rating", {stars: Number(button.dataset.stars)}));
        say("rate-message", cfg.messages.rated, false);
      } catch (e) { say("rate-message", e.message, true); }
    });
  });

  const gradeForm = document.getElementById("grade-form");
  if (gradeForm) {
    gradeForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const body = {};
      if (gradeForm.reliability.value) body.reliability = gradeForm.reliability.value;
      if (gradeForm.credibility.value) body.credibility = Number(gradeForm.credibility.value);
      try {
        const summary = await send("PUT", base + "/rating", body);
        showAverage(summary);
        say("rate-message", cfg.messages.rated + (summary.admiralty ? " · " + summary.admiralty : ""), false);
      } catch (e) { say("rate-message", e.message, true); }
    });
  }

  // -- comments ---------------------------------------------------------------------------
  const commentForm = document.getElementById("comment-form");
  if (commentForm) {
    document.querySelectorAll("button.reply").forEach(function (button) {
      button.addEventListener("click", function () {
        commentForm.parent_id.value = button.dataset.parent;
        const note = document.getElementById("replying");
        note.textContent = cfg.messages.replyingTo.replace("{author}", button.dataset.author);
        note.hidden = false;
        commentForm.body.focus();
      });
    });
    commentForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const body = {body: commentForm.body.value};
      if (commentForm.parent_id.value) body.parent_id = Number(commentForm.parent_id.value);
      try {
        await send("POST", base + "/comments", body);
        say("comment-message", cfg.messages.commented, false);
        window.location.reload();
      } catch (e) { say("comment-message", e.message, true); }
    });
  }

  // -- error reports ----------------------------------------------------------------------
  function segmentOf(node) {
    let el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    while (el && el !== textBox && !(el.dataset && el.dataset.o !== undefined)) el = el.parentElement;
    return el && el !== textBox ? el : null;
  }

  function offsetOf(node, offset) {
    // Code-point offset of a DOM position inside the article text, or null outside it.
    if (node === textBox) {
      const child = textBox.childNodes[offset];
      if (child && child.dataset && child.dataset.o !== undefined) return Number(child.dataset.o);
      return Array.from(textBox.textContent).length;
    }
    const seg = segmentOf(node);
    if (!seg) return null;
    if (node.nodeType !== Node.TEXT_NODE) {
      return Number(seg.dataset.o) + (offset > 0 ? Array.from(seg.textContent).length : 0);
    }
    return Number(seg.dataset.o) + Array.from(node.data.slice(0, offset)).length;
  }

  function currentSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!textBox.contains(range.commonAncestorContainer)) return {outside: true};
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return {outside: true};
    const all = Array.from(textBox.textContent);
    return {
      exact: all.slice(start, end).join(""),
      prefix: all.slice(Math.max(0, start - 32), start).join(""),
      suffix: all.slice(end, end + 32).join(""),
      start: start,
      end: end,
    };
  }

  let pending = null;
  const dialog = document.getElementById("report-dialog");
  const reportButton = document.getElementById("report-button");
  if (reportButton) {
    // Keep the selection made before the button took the focus.
    let last = null;
    document.addEventListener("selectionchange", function () {
      const s = currentSelection();
      if (s) last = s;
    });
    reportButton.addEventListener("mousedown", function () { last = currentSelection() || last; });
    reportButton.addEventListener("click", function () {
      const s = currentSelection() || last;
      say("report-message", "", false);
      if (!s) { say("report-message", cfg.messages.noSelection, true); return; }
      if (s.outside) { say("report-message", cfg.messages.outside, true); return; }
      if (Array.from(s.exact).length > cfg.maxSelection) {
        say("report-message", cfg.messages.tooLong, true);
        return;
      }
      pending = s;
      document.getElementById("report-exact").textContent = s.exact;
      say("report-dialog-message", "", false);
      dialog.showModal();
    });
    document.getElementById("report-cancel").addEventListener("click", function () { dialog.close(); });
    document.getElementById("report-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      const form = event.target;
      try {
        await send("POST", base + "/reports", {
          revision_id: cfg.revision, exact: pending.exact, prefix: pending.prefix,
          suffix: pending.suffix, start: pending.start, end: pending.end,
          kind: form.kind.value, note: form.note.value,
        });
        dialog.close();
        say("report-message", cfg.messages.sent, false);
        window.setTimeout(function () { window.location.reload(); }, 600);
      } catch (e) { say("report-dialog-message", e.message, true); }
    });
  }
})();
