// The chat pages, live (protocol: README, "Chat"). Progressive enhancement: without this
// script the pages list messages, load older ones by link, and send, react, reply, edit and
// delete through forms. With it:
// - the room list's unread badges follow the user's own stream (/ws/me/, "room.unread");
// - a room is live over /ws/chat/<room_id>/: Enter sends (Shift+Enter for a new line),
//   reactions, replies, edits and deletes go over the socket, typing and presence show, and
//   a dropped connection (or the browser going offline) shows a banner, reconnects with
//   backoff and catches up from the last change seen (since_seq: new messages, edits,
//   deletes and reactions alike) before live frames resume. A message sent while offline
//   waits in an outbox and is sent again with the same client id, which the server stores
//   once. What the page shows is marked read (a "read" frame) only while it is visible.
(() => {
  "use strict";
  const MAX_DELAY = 30000;
  const wsUrl = (path) => `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}${path}`;

  function element(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  // --- the room list's unread badges ---------------------------------------------------------
  const roomList = document.querySelector("[data-chat-rooms]");
  const room = document.querySelector("[data-chat-room]");
  if (!("WebSocket" in window)) return;

  function setBadge(roomId, unread) {
    const link = roomList?.querySelector(`[data-room-id="${roomId}"]`);
    const badge = link?.querySelector("[data-unread]");
    if (!badge) return;
    const open = room && room.dataset.chatRoom === String(roomId) && !document.hidden;
    const count = open ? 0 : unread;
    badge.querySelector("[data-count]").textContent = String(count);
    badge.hidden = count === 0;
  }

  if (roomList) {
    let meDelay = 1000;
    const connectMe = () => {
      const me = new WebSocket(wsUrl("/ws/me/"));
      me.addEventListener("open", () => { meDelay = 1000; });
      me.addEventListener("message", (event) => {
        try {
          const frame = JSON.parse(event.data);
          if (frame.type === "room.unread") setBadge(frame.payload.room_id, frame.payload.unread);
        } catch (error) { console.error(error); }
      });
      me.addEventListener("close", (event) => {
        if (event.code === 4401 || event.code === 4403) return;
        setTimeout(connectMe, meDelay / 2 + Math.random() * meDelay / 2);
        meDelay = Math.min(meDelay * 2, MAX_DELAY);
      });
    };
    connectMe();
  }

  if (!room) return;

  // --- the room ------------------------------------------------------------------------------
  const roomId = room.dataset.chatRoom;
  const userId = Number(room.dataset.userId);
  const thread = room.dataset.thread ? Number(room.dataset.thread) : null;
  const labels = room.dataset;
  const emoji = (room.dataset.emoji || "").split(" ").filter(Boolean);
  const list = room.querySelector("[data-messages]");
  const scroller = room.querySelector("[data-scroll]");
  const banner = room.querySelector("[data-banner]");
  const typingLine = room.querySelector("[data-typing]");
  const presenceLine = room.querySelector("[data-presence]");
  const form = room.querySelector("[data-composer]");
  const input = form.querySelector("textarea");
  const parentInput = form.querySelector("[name=parent_id]");
  const replying = form.querySelector("[data-replying]");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  const HEARTBEAT = (Number(room.dataset.heartbeat) || 20) * 1000;
  const outbox = new Map(); // client id -> frame payload, until the server acknowledges it
  const typers = new Map(); // user id -> timer
  let socket = null;
  let delay = 1000;
  let beat = null;
  let beatAnswered = true;
  let lastTyping = 0;
  let counter = 0;
  // The room's last change this page has (every message carries its changed_seq).
  let lastChange = Number(room.dataset.changeSeq) || 0;

  const lastSeenId = () => {
    const items = list.querySelectorAll("[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : 0;
  };
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };
  const actionUrl = (template, id) => template.replace(/\/0\/(\w+)\/$/, `/${id}/$1/`);

  function postForm(action, fields, children = []) {
    const node = element("form", { method: "post", action }, [
      element("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }),
      ...Object.entries(fields).map(([name, value]) => element("input", { type: "hidden", name, value })),
      ...children,
    ]);
    return node;
  }

  // One message as the server renders it (templates/community/_chat_messages.html).
  function render(message) {
    const mine = message.author.id === userId;
    const meta = element("p", { className: "chat__meta" }, [
      element("strong", { textContent: message.author.name }),
      " ",
      element("time", {
        dateTime: message.created_at,
        textContent: new Date(message.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
      }),
    ]);
    if (message.edited_at && !message.deleted) {
      const edited = element("span", { className: "muted", textContent: labels.labelEdited });
      edited.dataset.edited = "";
      meta.append(" ", edited);
    }
    const item = element("li", { className: "chat__message" + (mine ? " chat__message--mine" : ""), id: `message-${message.id}` }, [meta]);
    Object.assign(item.dataset, { id: message.id, seq: message.seq, changedSeq: message.changed_seq, authorId: message.author.id });
    if (mine && !message.deleted) item.dataset.body = message.body;
    if (message.parent) {
      const quote = element("a", { className: "chat__quote", href: `?thread=${message.parent.id}#message-${message.parent.id}` }, [
        element("span", { className: "visually-hidden", textContent: `${labels.labelInReply} ` }),
        `${message.parent.author.name}: ${message.parent.deleted ? labels.labelDeleted : message.parent.excerpt}`,
      ]);
      quote.dataset.quote = message.parent.id;
      item.append(quote);
    }
    if (!mine && !message.deleted) {
      const href = labels.reportUrl.replace(/\/0\/$/, `/${message.id}/`);
      meta.append(" ", element("a", { className: "muted chat__report", href, rel: "nofollow", textContent: labels.labelReport }));
    }
    if (message.deleted) {
      item.append(element("p", { className: "muted chat__tombstone", textContent: labels.labelDeleted }));
      return item;
    }
    if (message.status === "held" || message.status === "hidden") {
      item.classList.add("chat__message--held");
      const note = message.status === "held" ? labels.labelHeld : labels.labelHidden;
      item.append(element("p", { className: "chat__held", textContent: note }));
    }
    // body_html is sanitised by the server (courses/markdown.py's allowlist).
    item.append(element("div", { className: "chat__body", innerHTML: message.body_html }));
    const reactUrl = actionUrl(labels.reactUrl, message.id);
    if (message.reactions.length) {
      const chips = element("div", { className: "chat__reactions" }, message.reactions.map((r) => {
        const reacted = r.user_ids.includes(userId);
        const button = element("button", { type: "submit", className: "chat__reaction", name: "emoji", value: r.emoji, textContent: `${r.emoji} ${r.count}` });
        button.setAttribute("aria-pressed", String(reacted));
        const chip = postForm(reactUrl, { on: reacted ? "" : "on" }, [button]);
        chip.dataset.react = "";
        return chip;
      }));
      chips.dataset.reactions = "";
      item.append(chips);
    }
    const picker = postForm(reactUrl, { on: "on" }, emoji.map((e) => {
      const button = element("button", { type: "submit", name: "emoji", value: e, className: "chat__emoji", textContent: e });
      return button;
    }));
    picker.dataset.react = "";
    const threadId = message.parent_id || message.id;
    const reply = element("a", { href: `?reply=${threadId}#composer`, textContent: labels.labelReply });
    reply.dataset.reply = threadId;
    const actions = element("div", { className: "chat__actions" }, [
      element("details", { className: "chat__react-picker" }, [element("summary", { textContent: labels.labelReact }), picker]),
      " ", reply,
    ]);
    if (!message.parent_id && !thread) {
      const link = element("a", { href: `?thread=${message.id}`, textContent: labels.labelThread });
      actions.append(" ", link);
    }
    if (mine) {
      const edit = element("a", { href: actionUrl(labels.editUrl, message.id), textContent: labels.labelEdit });
      edit.dataset.edit = message.id;
      const remove = postForm(actionUrl(labels.deleteUrl, message.id), {}, [
        element("button", { type: "submit", className: "chat__link-button", textContent: labels.labelDelete }),
      ]);
      remove.dataset.delete = message.id;
      actions.append(" ", edit, " ", remove);
    }
    item.append(actions);
    return item;
  }

  const inView = (message) => thread === null || message.id === thread || message.parent_id === thread;

  // New messages go in seq order (a catch-up may bring older ones after a live one); a known
  // message is replaced in place (edits, deletes, reactions), unless it is being edited.
  function upsert(message, { live }) {
    lastChange = Math.max(lastChange, message.changed_seq || 0);
    if (!inView(message)) return;
    const known = document.getElementById(`message-${message.id}`);
    if (known) {
      if (Number(known.dataset.changedSeq) > message.changed_seq) return; // older news
      if (known.querySelector("[data-editing]")) { known.dataset.pending = JSON.stringify(message); return; }
      known.replaceWith(render(message));
      return;
    }
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

  // At most one read frame a second, however fast messages arrive (frames are rate-limited),
  // and only while the page is visible: that is when the messages are read.
  let readTimer = null;
  function markRead() {
    if (readTimer) return;
    readTimer = setTimeout(() => {
      readTimer = null;
      const id = lastSeenId();
      if (!id || document.hidden || id <= Number(room.dataset.lastReadId)) return;
      if (send({ type: "read", payload: { message_id: id } })) {
        room.dataset.lastReadId = String(id);
        room.querySelector("[data-read-form]")?.remove();
        setBadge(roomId, 0);
      }
    }, 1000);
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify({ id: frame.id || `f${++counter}`, ...frame }));
    return true;
  }

  function flushOutbox() {
    for (const [clientId, payload] of outbox) send({ type: "send", id: clientId, payload });
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
  // In a conversation the page knows its people: name who is online; in a channel, count.
  const people = JSON.parse(document.getElementById("chat-people")?.textContent || "{}");
  function paintPresence(online) {
    if (Object.keys(people).length) {
      const names = online.filter((id) => id !== userId && people[id]).map((id) => people[id]);
      presenceLine.textContent = names.length ? `${names.join(", ")} · ${labels.labelOnline}` : "";
      return;
    }
    presenceLine.textContent = `${online.length} ${labels.labelOnline}`;
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
        lastChange = Math.max(lastChange, payload.changed_seq || 0);
        break;
      }
      case "ack":
        beatAnswered = true;
        if (payload.message) {
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
        lastChange = Math.max(lastChange, payload.change_seq || 0);
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

  function reconnectLater() {
    // Exponential backoff with jitter, so a restarted server is not hit by everyone at once;
    // while the browser is offline, wait for it to come back instead.
    if (!navigator.onLine) return;
    setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    delay = Math.min(delay * 2, MAX_DELAY);
  }

  function connect() {
    if (socket && socket.readyState <= WebSocket.OPEN) return;
    socket = new WebSocket(wsUrl(`/ws/chat/${roomId}/?since_seq=${lastChange}`));
    const current = socket;
    current.addEventListener("open", () => {
      delay = 1000;
      banner.hidden = true;
      beatAnswered = true;
      flushOutbox();
      markRead();
      clearInterval(beat);
      beat = setInterval(() => {
        // No answer to the last heartbeat: the connection is dead without knowing it.
        if (!beatAnswered) { current.close(4000); return; }
        beatAnswered = false;
        send({ type: "heartbeat", payload: {} });
      }, HEARTBEAT);
    });
    current.addEventListener("message", (event) => {
      try { onFrame(JSON.parse(event.data)); } catch (error) { console.error(error); }
    });
    current.addEventListener("close", (event) => {
      if (current !== socket) return;
      clearInterval(beat);
      if (event.code === 4401 || event.code === 4403) { banner.hidden = true; return; }
      banner.hidden = false;
      reconnectLater();
    });
  }

  window.addEventListener("offline", () => {
    banner.hidden = false;
    socket?.close(4000); // the browser knows the network is gone before the socket does
  });
  window.addEventListener("online", () => { delay = 1000; connect(); });

  // --- composing: send, reply ------------------------------------------------------------------
  function setReply(id) {
    const parent = document.getElementById(`message-${id}`);
    parentInput.value = id || "";
    replying.hidden = !id;
    if (id) {
      const name = parent?.querySelector(".chat__meta strong")?.textContent || labels.labelSomeone;
      replying.querySelector("[data-replying-text]").textContent = `${labels.labelReplying} ${name}`;
      input.focus();
    }
  }

  function submit() {
    const body = input.value.trim();
    if (!body) return;
    const clientId = `web-${Date.now()}-${++counter}`;
    const payload = { body, client_id: clientId };
    if (parentInput.value) payload.parent_id = Number(parentInput.value);
    outbox.set(clientId, payload);
    if (!send({ type: "send", id: clientId, payload })) {
      banner.hidden = false; // kept in the outbox; sent again when the socket is back
    }
    input.value = "";
    if (!thread) setReply(null);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape" && parentInput.value && !thread) {
      setReply(null);
    }
  });
  input.addEventListener("input", () => {
    if (Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      send({ type: "typing", payload: {} });
    }
  });
  replying.querySelector("[data-replying-cancel]")?.addEventListener("click", (event) => {
    if (thread) return; // in a thread view, "cancel" leaves it
    event.preventDefault();
    setReply(null);
  });
  document.addEventListener("visibilitychange", markRead);

  // --- a message's actions: react, reply, edit, delete (over the socket when it is open) ------
  function startEdit(item) {
    const body = item.querySelector(".chat__body");
    if (!body || item.querySelector("[data-editing]")) return;
    const id = Number(item.dataset.id);
    const box = element("textarea", { rows: 3, maxLength: 4000, className: "chat__edit-box" });
    box.setAttribute("aria-label", labels.labelEdit);
    const save = element("button", { type: "submit", className: "btn btn--primary btn--small", textContent: labels.labelSave });
    const cancel = element("button", { type: "button", className: "btn btn--ghost btn--small", textContent: labels.labelCancel });
    const editor = element("form", { className: "chat__editor" }, [box, save, cancel]);
    editor.dataset.editing = "";
    // The text as written (Markdown) is in the history API; the rendered text is close enough
    // to start from when it is not at hand.
    box.value = item.dataset.body || body.innerText.trim();
    const close = () => {
      const pending = item.dataset.pending;
      editor.remove();
      body.hidden = false;
      if (pending) upsert(JSON.parse(pending), { live: false });
    };
    editor.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = box.value.trim();
      if (text && send({ type: "edit", payload: { message_id: id, body: text } })) close();
    });
    cancel.addEventListener("click", close);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); editor.requestSubmit(); }
      if (event.key === "Escape") close();
    });
    body.hidden = true;
    body.after(editor);
    box.focus();
  }

  list.addEventListener("submit", (event) => {
    const target = event.target;
    if (!socket || socket.readyState !== WebSocket.OPEN) return; // the form posts instead
    if (target.matches("[data-react]")) {
      const emojiValue = event.submitter?.value;
      if (!emojiValue) return;
      event.preventDefault();
      const on = target.querySelector("[name=on]").value === "on";
      const id = Number(target.closest("[data-id]").dataset.id);
      send({ type: "react", payload: { message_id: id, emoji: emojiValue, on } });
      target.closest("details")?.removeAttribute("open");
    } else if (target.matches("[data-delete]")) {
      event.preventDefault();
      if (window.confirm(labels.labelConfirmDelete)) {
        send({ type: "delete", payload: { message_id: Number(target.dataset.delete) } });
      }
    }
  });

  list.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    if (link.dataset.reply !== undefined) {
      event.preventDefault();
      setReply(Number(link.dataset.reply));
    } else if (link.dataset.edit !== undefined && socket?.readyState === WebSocket.OPEN) {
      event.preventDefault();
      startEdit(link.closest("[data-id]"));
    } else if (link.dataset.quote !== undefined) {
      const parent = document.getElementById(`message-${link.dataset.quote}`);
      if (!parent) return; // not loaded: the thread view
      event.preventDefault();
      parent.scrollIntoView({ block: "center" });
      parent.classList.add("chat__message--highlight");
      setTimeout(() => parent.classList.remove("chat__message--highlight"), 1500);
    }
  });

  // --- "Load older messages": fetched in place, and automatically when scrolled to the top ----
  async function loadOlder(link) {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("partial", "older");
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) { delete link.dataset.loading; return; }
    const holder = element("div", { innerHTML: await response.text() });
    const height = scroller.scrollHeight;
    const older = holder.querySelector("[data-messages]");
    older?.querySelectorAll("[data-divider], [data-empty]").forEach((n) => n.remove());
    const more = holder.querySelector(".chat__older");
    link.closest("p").replaceWith(...(more ? [more] : []));
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

  if (parentInput.value) setReply(Number(parentInput.value));
  const anchored = window.location.hash.startsWith("#message-") && document.querySelector(window.location.hash);
  if (anchored) anchored.scrollIntoView({ block: "center" }); else toBottom();
  watchOlder();
  connect();
})();
