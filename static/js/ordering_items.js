// The ordering question form: the items, one a line in the textarea, also shown as a list to
// drag (or move with the arrows or Alt+ArrowUp/Down) into the right order; the textarea follows
// the list and the list follows the textarea. Without JavaScript the textarea is the form.
(() => {
  const box = document.querySelector("[data-ordering-items]");
  const field = box && document.getElementById(box.dataset.for);
  if (!field || !window.kalplaReorder) return;
  const list = box.querySelector("[data-reorder-local]");
  const lines = () => field.value.split("\n").map((l) => l.trim()).filter(Boolean);
  const say = (template, text) => template.replace("{item}", text);

  const button = (move, text) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn--small btn--ghost";
    b.dataset.move = move;
    const arrow = document.createElement("span");
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = move === "up" ? "↑" : "↓";
    const name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = say(move === "up" ? box.dataset.up : box.dataset.down, text);
    b.append(arrow, name);
    return b;
  };

  const build = () => {
    const items = lines();
    list.replaceChildren(...items.map((text, index) => {
      const li = document.createElement("li");
      li.className = "slot";
      li.dataset.id = String(index);
      li.dataset.text = text;
      const handle = document.createElement("span");
      handle.className = "drag-handle";
      handle.setAttribute("aria-hidden", "true");
      handle.textContent = "⠿";
      const what = document.createElement("span");
      what.className = "slot__what";
      what.textContent = text;
      const actions = document.createElement("span");
      actions.className = "slot__actions";
      actions.append(button("up", text), button("down", text));
      li.append(handle, what, actions);
      return li;
    }));
    box.hidden = items.length < 2;
    window.kalplaReorder(list);
  };

  list.addEventListener("reordered", () => {
    field.value = Array.from(list.children).map((li) => li.dataset.text).join("\n");
  });
  field.addEventListener("input", build);
  build();
})();
