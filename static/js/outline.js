// Drag-and-drop reordering in the outline editor: modules in the course, lessons in their
// module. Each list posts its new order (ids, comma-separated) to its data-reorder-url.
// Progressive enhancement: the up/down arrows do the same without JavaScript or a mouse.
(() => {
  const status = document.getElementById("reorder-status");
  const csrfToken = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };
  const say = (text, isError) => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("reorder-status--error", Boolean(isError));
  };
  const itemsOf = (list) => Array.from(list.children).filter((el) => el.dataset.id);
  // The item of this list (not of a nested one) that contains node.
  const childOf = (list, node) => {
    let el = node instanceof Element ? node : null;
    while (el && el.parentElement !== list) el = el.parentElement;
    return el && el.dataset.id ? el : null;
  };
  const orderOf = (list) => itemsOf(list).map((el) => el.dataset.id).join(",");

  // The arrows' disabled states and the module numbers follow the new order.
  const refresh = (list) => {
    const items = itemsOf(list);
    items.forEach((item, index) => {
      const controls = item.querySelector(":scope > div > .outline-controls, :scope > .outline-controls");
      if (controls) {
        const [up, down] = controls.querySelectorAll("button[type=submit]");
        if (up) up.disabled = index === 0;
        if (down) down.disabled = index === items.length - 1;
      }
      const number = item.querySelector(":scope .outline-module__n");
      if (number && item.classList.contains("outline-module")) number.textContent = String(index + 1);
    });
  };

  const save = async (list, before) => {
    const order = orderOf(list);
    if (order === before) return;
    const body = new URLSearchParams({ order });
    try {
      const response = await fetch(list.dataset.reorderUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body,
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      refresh(list);
      say(status.dataset.saved, false);
    } catch (error) {
      say(status.dataset.failed, true);
      window.setTimeout(() => window.location.reload(), 1500);
    }
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
      save(list, before);
    });
  };

  const lists = document.querySelectorAll("[data-reorder-url]");
  lists.forEach(enable);
  const hint = document.getElementById("reorder-hint");
  if (hint && lists.length) hint.hidden = false;
})();
