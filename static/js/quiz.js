// Quiz pages, progressive enhancement: every page works without this file.
// - autosave: answers go to the API a moment after they change (and when the page is hidden);
// - countdown: the server's seconds_left, counted down here; a warning a minute before the
//   end; at zero the attempt is submitted (the server submits it at the deadline anyway);
// - the review page waits for grading, then reloads.
(function () {
  "use strict";
  function csrfToken() {
    const meta = document.querySelector("meta[name='csrf-token']");
    if (meta) return meta.content;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function formatTime(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return (h ? h + ":" + pad(m) : m) + ":" + pad(r);
  }

  // --- autosave -------------------------------------------------------------------------
  const form = document.getElementById("quiz-attempt");
  const saveState = document.querySelector("[data-save-state]");
  function answersOf(fieldset) {
    const kind = fieldset.dataset.kind, n = fieldset.dataset.position, name = "q" + n;
    const data = new FormData(form);
    if (kind === "multiple_choice") return data.getAll(name);
    if (kind === "true_false") { const v = data.get(name); return v === null ? undefined : v === "true"; }
    if (kind === "matching") {
      const out = {};
      fieldset.querySelectorAll("select").forEach((s) => { if (s.value) out[s.name.slice(name.length + 1)] = s.value; });
      return out;
    }
    if (kind === "ordering") {
      const places = [];
      for (const s of fieldset.querySelectorAll("select")) {
        if (!s.value) return undefined;
        places.push([Number(s.value), s.name.slice(name.length + 1)]);
      }
      const ranks = places.map((p) => p[0]).sort((a, b) => a - b);
      if (ranks.some((r, i) => r !== i + 1)) return undefined;
      return places.sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    }
    const v = data.get(name);
    return v === null ? undefined : (v.trim() ? v : null);
  }
  const dirty = new Set();
  let timer = null;
  async function save() {
    timer = null;
    if (!dirty.size) return;
    const answers = [];
    for (const n of dirty) {
      const fs = form.querySelector(`fieldset[data-position="${n}"]`);
      const response = fs && answersOf(fs);
      if (response !== undefined) answers.push({ position: Number(n), response: response });
    }
    dirty.clear();
    if (!answers.length) return;
    saveState.textContent = form.dataset.savingText || "Saving…";
    try {
      const r = await fetch(form.dataset.apiAnswers, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ answers: answers, page: Number(form.dataset.page) }),
      });
      if (r.status === 409) { window.location.reload(); return; }
      const body = await r.json();
      saveState.textContent = r.ok ? (form.dataset.savedText || "Saved") : (body.message || "Not saved");
      if (r.ok && body.seconds_left !== null && body.seconds_left !== undefined) countdown.sync(body.seconds_left);
    } catch (e) {
      saveState.textContent = form.dataset.offlineText || "Offline: your answers will be saved when you submit the page.";
      answers.forEach((a) => dirty.add(String(a.position)));
    }
  }
  if (form && form.dataset.apiAnswers) {
    form.addEventListener("input", (event) => {
      const fs = event.target.closest("fieldset[data-position]");
      if (!fs) return;
      dirty.add(fs.dataset.position);
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 800);
    });
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") save(); });
  }

  // --- word count -----------------------------------------------------------------------
  document.querySelectorAll("textarea[data-words]").forEach((area) => {
    const out = area.closest("fieldset").querySelector("[data-word-count]");
    if (!out) return;
    const update = () => { out.textContent = "(" + (area.value.trim() ? area.value.trim().split(/\s+/).length : 0) + ")"; };
    area.addEventListener("input", update); update();
  });

  // --- countdown ------------------------------------------------------------------------
  const holder = document.querySelector("[data-seconds-left]");
  const display = document.querySelector("[data-countdown]");
  const warning = document.querySelector("[data-time-warning]");
  const countdown = {
    end: null,
    sync(secondsLeft) { this.end = Date.now() + secondsLeft * 1000; },
  };
  if (holder && display) {
    countdown.sync(Number(holder.dataset.secondsLeft));
    let submitted = false;
    const tick = () => {
      const left = (countdown.end - Date.now()) / 1000;
      display.textContent = formatTime(left);
      const timerBox = display.closest(".timer");
      if (left <= 60) {
        if (timerBox) timerBox.classList.add("timer--low");
        if (warning && warning.hidden) warning.hidden = false;
      }
      if (left <= 0 && !submitted) {
        submitted = true;
        save().finally(() => {
          const url = holder.dataset.submitUrl;
          if (!url) { window.location.reload(); return; }
          const f = document.createElement("form");
          f.method = "post"; f.action = url;
          const t = document.createElement("input");
          t.type = "hidden"; t.name = "csrfmiddlewaretoken"; t.value = csrfToken();
          f.appendChild(t); document.body.appendChild(f); f.submit();
        });
      }
    };
    tick();
    setInterval(tick, 250);
  }

  // --- review: wait for grading ---------------------------------------------------------
  const poll = document.querySelector("[data-poll-url]");
  if (poll) {
    let delay = 500;
    const check = async () => {
      try {
        const r = await fetch(poll.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (r.ok && (await r.json()).state !== "submitted") { window.location.reload(); return; }
      } catch (e) { /* try again */ }
      delay = Math.min(delay * 1.5, 5000);
      setTimeout(check, delay);
    };
    setTimeout(check, delay);
  }
})();
