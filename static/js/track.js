// Learning events from the browser: window.kalplaTrack(event) queues one, sent in batches to
// POST /api/v1/events/ (every 10 s, at 20 events, and when the page is hidden or left).
// fetch with keepalive outlives the page and carries the CSRF header a signed-in session
// needs; navigator.sendBeacon (no headers) is the fallback where keepalive is missing.
(() => {
  "use strict";

  const URL = "/api/v1/events/";
  const FLUSH_MS = 10000;
  const FLUSH_AT = 20;
  let queue = [];
  let timer = null;

  function csrfToken() {
    const meta = document.querySelector("meta[name='csrf-token']");
    if (meta && meta.content) return meta.content;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function flush() {
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (!queue.length) return;
    const body = JSON.stringify({ sent_at: new Date().toISOString(), platform: "web", events: queue.splice(0, 500) });
    try {
      fetch(URL, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body,
      }).catch(() => {});
    } catch (error) {
      if (navigator.sendBeacon) navigator.sendBeacon(URL, new Blob([body], { type: "application/json" }));
    }
  }

  window.kalplaTrack = (event) => {
    queue.push({ id: uuid(), timestamp: new Date().toISOString(), ...event });
    if (queue.length >= FLUSH_AT) flush();
    else if (timer === null) timer = window.setTimeout(flush, FLUSH_MS);
  };

  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
})();
