// The chat room, live over /ws/chat/<room_id>/ (protocol: README, "Chat"). Progressive
// enhancement: without this script the page lists messages, loads older ones by link and
// sends through the form. With it: messages arrive live, Enter sends (Shift+Enter for a new
// line), typing and presence show, and a dropped connection shows a banner, reconnects with
// backoff and catches up from the last message seen before live messages resume. A message
// sent while offline waits in an outbox and is sent again with the same client id, which the
// server stores once.
(() => {
  "use strict";
  const room = document.querySelector("[data-chat-room]");
  if (!room || !("WebSocket" in window)) return;

  const roomId = room.dataset.chatRoom;
  const userId = Number(room.dataset.userId);
  const labels = room.dataset;
  const list = room.querySelector("[data-messages]");
  const scroller = room.querySelector("[data-scroll]");
  const banner = room.querySelector("[data-banner]");
  const typingLine = room.querySelector("[data-typing]");
  const presenceLine = room.querySelector("[data-presence]");
  const form = room.querySelector("[data-composer]");
  const input = form.querySelector("textarea");
  const HEARTBEAT = (Number(room.dataset.heartbeat) || 20) * 1000;
  const MAX_DELAY = 30000;
  const outbox = new Map(); // client id -> body, until the server acknowledges it
  const typers = new Map(); // user id -> timer
  let socket = null;
  let delay = 1000;
  let beat = null;
  let lastTyping = 0;
  let counter = 0;

  const lastSeenId = () => {
    const items = list.querySelectorAll("[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : 0;
  };
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };

  function element(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  // One message as the server renders it (templates/community/_chat_messages.html).
  function render(message) {
    const meta = element("p", { className: "chat__meta" }, [
      element("strong", { textContent: message.author.name }),
      " ",
      element("time", {
        dateTime: message.created_at,
        textContent: new Date(message.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
      }),
    ]);
    if (message.edited_at && !message.deleted) {
      meta.append(" ", element("span", { className: "muted", textContent: labels.labelEdited }));
    }
    if (message.author.id !== userId && !message.deleted) {
      const href = labels.reportUrl.replace(/\/0\/$/, `/${message.id}/`);
      meta.append(" ", element("a", { className: "muted chat__report", href, rel: "nofollow", textContent: labels.labelReport }));
    }
    const item = element("li", {
      className: "chat__message" + (message.author.id === userId ? " chat__message--mine" : ""),
      id: `message-${message.id}`,
    }, [meta]);
    item.dataset.id = message.id;
    item.dataset.seq = message.seq;
    if (message.deleted) {
      item.append(element("p", { className: "muted chat__tombstone", textContent: labels.labelDeleted }));
    } else {
      // body_html is sanitised by the server (courses/markdown.py's allowlist).
      item.append(element("div", { className: "chat__body", innerHTML: message.body_html }));
    }
    if (message.status === "held" || message.status === "hidden") {
      item.classList.add("chat__message--held");
      const note = message.status === "held" ? labels.labelHeld : labels.labelHidden;
      item.append(element("p", { className: "chat__held", textContent: note }));
    }
    if (message.reactions.length) {
      item.append(element("p", { className: "chat__reactions" }, message.reactions.map(
        (r) => element("span", { className: "chat__reaction", textContent: `${r.emoji} ${r.count}` }),
      )));
    }
    return item;
  }

  // New messages go in seq order (a catch-up may bring older ones after a live one); a known
  // message is replaced in place (edits, deletes, reactions).
  function upsert(message, { live }) {
    const known = document.getElementById(`message-${message.id}`);
    if (known) { known.replaceWith(render(message)); return; }
    list.querySelector("[data-empty]")?.remove();
    const stick = nearBottom();
    const node = render(message);
    const later = [...list.querySelectorAll("[data-seq]")].find((n) => Number(n.dataset.seq) > message.seq);
    if (live && message.author.id !== userId && document.hidden && !list.querySelector("[data-divider]")) {
      list.insertBefore(element("li", { className: "chat__divider", textContent: labels.labelNew }), later || null)
        .setAttribute("data-divider", "");
    }
    list.insertBefore(node, later || null);
    if (stick || message.author.id === userId) toBottom();
    markRead();
  }

  // At most one read frame a second, however fast messages arrive (frames are rate-limited).
  let readTimer = null;
  function markRead() {
    if (readTimer) return;
    readTimer = setTimeout(() => {
      readTimer = null;
      const id = lastSeenId();
      if (!id || document.hidden || id <= Number(room.dataset.lastReadId)) return;
      if (send({ type: "read", payload: { message_id: id } })) room.dataset.lastReadId = String(id);
    }, 1000);
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify({ id: frame.id || `f${++counter}`, ...frame }));
    return true;
  }

  function flushOutbox() {
    for (const [clientId, body] of outbox) {
      send({ type: "send", id: clientId, payload: { body, client_id: clientId } });
    }
  }

  function showTyping(user) {
    if (user.id === userId) return;
    clearTimeout(typers.get(user.id)?.timer);
    typers.set(user.id, { name: user.name, timer: setTimeout(() => { typers.delete(user.id); paintTyping(); }, 4000) });
    paintTyping();
  }
  function paintTyping() {
    typingLine.textContent = [...typers.values()].map((t) => `${t.name} ${labels.labelTyping}`).join(" · ");
  }

  function onFrame(frame) {
    const payload = frame.payload || {};
    switch (frame.type) {
      case "message.new":
        upsert(payload.message, { live: !payload.replay });
        break;
      case "message.edited":
      case "message.deleted":
      case "message.reactions":
        upsert(payload.message, { live: false });
        break;
      case "message.hidden": {
        // A moderator hid it (or its edit was held): it leaves everyone's view but its author's.
        const node = document.getElementById(`message-${payload.message_id}`);
        if (node && !node.classList.contains("chat__message--mine")) node.remove();
        break;
      }
      case "ack":
        if (payload.message && outbox.has(frame.id)) {
          outbox.delete(frame.id);
          upsert(payload.message, { live: false });
        }
        if (payload.online) paintPresence(payload.online);
        break;
      case "typing":
        showTyping(payload.user);
        break;
      case "presence":
        paintPresence(payload.online);
        break;
      case "resume.done":
        if (payload.more) window.location.reload(); // too much missed: the page has it all
        break;
      case "room.removed":
        window.location.href = labels.historyUrl.replace(/\d+\/$/, "");
        break;
      case "error":
        if (outbox.has(frame.id) && frame.code !== "rate_limited") outbox.delete(frame.id);
        typingLine.textContent = frame.message;
        break;
      default:
        break;
    }
  }

  function paintPresence(online) {
    presenceLine.textContent = `${online.length} ${labels.labelOnline}`;
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}/ws/chat/${roomId}/?last_seen_id=${lastSeenId()}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      banner.hidden = true;
      flushOutbox();
      markRead();
      clearInterval(beat);
      beat = setInterval(() => send({ type: "heartbeat", payload: {} }), HEARTBEAT);
    });
    socket.addEventListener("message", (event) => {
      try { onFrame(JSON.parse(event.data)); } catch (error) { console.error(error); }
    });
    socket.addEventListener("close", (event) => {
      clearInterval(beat);
      if (event.code === 4401 || event.code === 4403) { banner.hidden = true; return; }
      banner.hidden = false;
      // Exponential backoff with jitter, so a restarted server is not hit by everyone at once.
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY);
    });
  }

  function submit() {
    const body = input.value.trim();
    if (!body) return;
    const clientId = `web-${Date.now()}-${++counter}`;
    outbox.set(clientId, body);
    if (!send({ type: "send", id: clientId, payload: { body, client_id: clientId } })) {
      banner.hidden = false; // kept in the outbox; sent again when the socket is back
    }
    input.value = "";
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", () => {
    if (Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      send({ type: "typing", payload: {} });
    }
  });
  document.addEventListener("visibilitychange", markRead);

  // "Load older messages": fetched in place, and automatically when scrolled to the top.
  async function loadOlder(link) {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("partial", "older");
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const holder = element("div", { innerHTML: await response.text() });
    const height = scroller.scrollHeight;
    const older = holder.querySelector("[data-messages]");
    older?.querySelectorAll("[data-divider], [data-empty]").forEach((n) => n.remove());
    link.closest("p").replaceWith(...(holder.querySelector(".chat__older") ? [holder.querySelector(".chat__older")] : []));
    list.prepend(...(older ? older.children : []));
    scroller.scrollTop += scroller.scrollHeight - height;
    watchOlder();
  }
  const observer = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => entries.forEach((e) => e.isIntersecting && loadOlder(e.target)), { root: scroller })
    : null;
  function watchOlder() {
    const link = scroller.querySelector("[data-older]");
    if (!link) return;
    link.addEventListener("click", (event) => { event.preventDefault(); loadOlder(link); }, { once: true });
    observer?.observe(link);
  }

  toBottom();
  watchOlder();
  connect();
})();
