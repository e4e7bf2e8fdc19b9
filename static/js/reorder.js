// Reordering a list in place: drag an item by its handle (.drag-handle), press Alt+ArrowUp or
// Alt+ArrowDown with the focus inside an item, or use its arrow buttons ([data-move=up|down]).
// Each list ([data-reorder-url], items are its children with a data-id) posts its whole new
// order (ids, comma-separated) in one request; the server checks it is the same set of ids.
// A list marked [data-reorder-local] posts nothing: it sends itself a "reordered" event (the
// page's own script keeps a form field in step). Lists added later: window.kalplaReorder(list).
// Progressive enhancement: without JavaScript the arrow buttons submit their own forms.
// Used by the course outline (modules, lessons), the quiz editor (questions) and the question
// bank's ordering question form (its items).
(() => {
  const status = document.getElementById("reorder-status");
  const csrfToken = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };
  const say = (text, isError) => {
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("reorder-status--error", Boolean(isError));
  };
  const itemsOf = (list) => Array.from(list.children).filter((el) => el.dataset.id);
  // The item of this list (not of a nested one) that contains node.
  const childOf = (list, node) => {
    let el = node instanceof Element ? node : null;
    while (el && el.parentElement !== list) el = el.parentElement;
    return el && el.dataset.id ? el : null;
  };
  const LISTS = "[data-reorder-url], [data-reorder-local]";
  const ownedBy = (list, node) => node.closest(LISTS) === list;
  const orderOf = (list) => itemsOf(list).map((el) => el.dataset.id).join(",");

  // The arrows' disabled states and the items' numbers follow the new order.
  const refresh = (list) => {
    const items = itemsOf(list);
    items.forEach((item, index) => {
      item.querySelectorAll("[data-move]").forEach((button) => {
        if (!ownedBy(list, button)) return;
        button.disabled = button.dataset.move === "up" ? index === 0 : index === items.length - 1;
      });
      item.querySelectorAll("[data-reorder-number]").forEach((number) => {
        if (ownedBy(list, number)) number.textContent = String(index + 1);
      });
    });
  };

  // One save at a time per list, each sending the order as it is when its turn comes. The
  // status says "saving" until the last queued save is answered, then "saved".
  const saving = new WeakMap();
  const post = async (list) => {
    const response = await fetch(list.dataset.reorderUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: new URLSearchParams({ order: orderOf(list) }),
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
  };
  const save = (list) => {
    refresh(list);
    if (!list.dataset.reorderUrl) {
      list.dispatchEvent(new CustomEvent("reordered"));
      return;
    }
    say(status && status.dataset.saving, false);
    list.setAttribute("aria-busy", "true");
    const previous = saving.get(list) || Promise.resolve();
    const next = previous.then(() => post(list)).then(
      () => {
        if (saving.get(list) !== next) return;
        list.setAttribute("aria-busy", "false");
        say(status && status.dataset.saved, false);
      },
      () => {
        say(status && status.dataset.failed, true);
        window.setTimeout(() => window.location.reload(), 1500);
      },
    );
    saving.set(list, next);
  };

  // Move an item one place up (-1) or down (+1); false when it is already at that end.
  const step = (list, item, delta) => {
    const items = itemsOf(list);
    const index = items.indexOf(item);
    const target = items[index + delta];
    if (!target) return false;
    list.insertBefore(item, delta < 0 ? target : target.nextSibling);
    return true;
  };

  // After a move: save, and keep the focus where it was (moving a node drops its focus). An
  // arrow that the move disabled hands the focus to the item's other arrow.
  const moved = (list, item, focused) => {
    save(list);
    let target = focused;
    if (focused.dataset.move && focused.disabled) {
      const other = focused.dataset.move === "up" ? "down" : "up";
      target = item.querySelector(`[data-move="${other}"]`) || focused;
    }
    if (document.activeElement !== target) target.focus();
  };

  const enable = (list) => {
    let dragged = null;
    let before = "";
    list.setAttribute("data-reorder-ready", "");
    // Only a handle starts a drag, so text in the forms stays selectable.
    list.addEventListener("pointerdown", (event) => {
      const handle = event.target.closest(".drag-handle");
      const item = handle && handle.closest("[data-id]");
      if (item && item.parentElement === list) item.draggable = true;
    });
    list.addEventListener("pointerup", () => {
      itemsOf(list).forEach((item) => { if (item !== dragged) item.draggable = false; });
    });
    list.addEventListener("dragstart", (event) => {
      const item = childOf(list, event.target);
      if (!item || item !== event.target || !item.draggable) return;
      event.stopPropagation();
      dragged = item;
      before = orderOf(list);
      item.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.id);
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      const target = childOf(list, event.target);
      event.preventDefault();
      event.stopPropagation();
      if (!target || target === dragged) return;
      const box = target.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? target.nextSibling : target);
    });
    list.addEventListener("drop", (event) => {
      if (dragged) { event.preventDefault(); event.stopPropagation(); }
    });
    list.addEventListener("dragend", (event) => {
      if (!dragged) return;
      event.stopPropagation();
      const item = dragged;
      dragged = null;
      item.classList.remove("is-dragging");
      item.draggable = false;
      if (orderOf(list) !== before) save(list);
    });

    // The arrow buttons move the item in place (their forms are the no-JavaScript way).
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (!button || !ownedBy(list, button)) return;
      const item = childOf(list, button);
      if (!item) return;
      event.preventDefault();
      if (step(list, item, button.dataset.move === "up" ? -1 : 1)) moved(list, item, button);
    });

    // Alt+ArrowUp / Alt+ArrowDown move the item that holds the focus.
    list.addEventListener("keydown", (event) => {
      if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      const focused = event.target;
      if (!ownedBy(list, focused) || focused.closest("input, select, textarea")) return;
      const item = childOf(list, focused);
      if (!item) return;
      event.preventDefault();
      if (step(list, item, event.key === "ArrowUp" ? -1 : 1)) moved(list, item, focused);
    });
  };

  const lists = document.querySelectorAll(LISTS);
  lists.forEach(enable);
  window.kalplaReorder = (list) => {
    if (!list.hasAttribute("data-reorder-ready")) enable(list);
    refresh(list);
  };
  const hint = document.getElementById("reorder-hint");
  if (hint && lists.length) hint.hidden = false;
})();
