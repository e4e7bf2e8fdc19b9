// Live notifications over /ws/notifications/: keeps the bell's unread count current and adds
// new notifications to the top of the notifications page. Progressive enhancement only: the
// bell and the page work without it (they are rendered by the server).
(() => {
  "use strict";
  const bell = document.querySelector("[data-notifications-bell]");
  if (!bell || !("WebSocket" in window)) return;

  const badge = bell.querySelector("[data-unread-badge]");
  const counter = bell.querySelector("[data-unread-count]");
  const announcer = document.querySelector("[data-notifications-announce]");
  const listUrl = bell.getAttribute("href") || "/notifications/";
  const INITIAL_DELAY = 1000;
  const MAX_DELAY = 30000;
  let delay = INITIAL_DELAY;
  let socket = null;

  function setCount(value) {
    const count = Math.max(0, Number(value) || 0);
    counter.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    bell.dataset.unread = String(count);
  }

  function element(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  // New items only go on top of the first page; older pages stay as they are.
  function prepend(item) {
    const list = document.getElementById("notification-list");
    if (!list || new URLSearchParams(window.location.search).has("cursor")) return;
    if (document.getElementById(`notification-${item.id}`)) return;
    const labels = list.dataset;
    const title = element("h2");
    if (item.url) {
      title.append(element("a", { href: `${listUrl}${item.id}/open/`, textContent: item.title }));
    } else {
      title.textContent = item.title;
    }
    title.append(" ", element("span", { className: "badge badge--accent", textContent: labels.labelNew || "New" }));
    const text = element("div", { className: "panel__text" }, [title]);
    if (item.body) text.append(element("p", { textContent: item.body }));
    const time = element("time", { dateTime: item.created_at, textContent: labels.labelNow || "now" });
    text.append(element("p", {}, [time]));

    const li = element("li", { className: "card panel card--highlight", id: `notification-${item.id}` }, [text]);
    li.dataset.notificationId = String(item.id);
    const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (csrf) {
      const action = `${listUrl}${item.id}/read/`;
      const form = element("form", { className: "panel__actions", method: "post", action });
      form.setAttribute("hx-post", action);
      form.setAttribute("hx-target", `#notification-${item.id}`);
      form.setAttribute("hx-swap", "outerHTML");
      form.append(
        element("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf.value }),
        element("button", { type: "submit", className: "btn btn--ghost btn--small", textContent: labels.labelRead || "Mark as read" }),
      );
      li.append(form);
    }
    list.prepend(li);
    list.hidden = false;
    const empty = document.getElementById("notification-empty");
    if (empty) empty.hidden = true;
    if (window.htmx) window.htmx.process(li);
  }

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function onFrame(frame) {
    if (!frame || typeof frame.type !== "string") return;
    const payload = frame.payload || {};
    if (frame.type === "unread.count") {
      setCount(payload.count);
    } else if (frame.type === "notification.new") {
      setCount(payload.unread_count);
      prepend(payload);
      announce(payload.title || "");
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const path = bell.dataset.wsPath || "/ws/notifications/";
    socket = new WebSocket(`${scheme}://${window.location.host}${path}`);
    socket.addEventListener("open", () => {
      delay = INITIAL_DELAY;
      bell.dataset.live = "true";
    });
    socket.addEventListener("message", (event) => {
      try {
        onFrame(JSON.parse(event.data));
      } catch (error) {
        // A malformed frame is ignored; the next one may be fine.
      }
    });
    socket.addEventListener("close", (event) => {
      bell.dataset.live = "false";
      // 4401/4403: signed out or not allowed; reconnecting would not help.
      if (event.code === 4401 || event.code === 4403) return;
      const wait = delay / 2 + Math.random() * (delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY);
      window.setTimeout(connect, wait);
    });
  }

  // The server answers mark-read forms sent by htmx with HX-Trigger carrying the new count.
  document.body.addEventListener("notifications:unread", (event) => {
    const detail = event.detail || {};
    setCount(detail.count !== undefined ? detail.count : (detail.value || {}).count);
  });

  connect();
})();
