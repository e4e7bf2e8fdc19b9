// The segment editor's visual rule builder. The form's field is the JSON textarea (the server
// validates and stores that); this script reads it, shows the rules as rows of choices (a rule
// type, then its course, days, percent, role or language), one level of groups, and writes the
// JSON back on every change, which also refreshes the "Who matches" preview. The textarea
// stays under "Edit the rules as JSON"; JSON typed there rebuilds the rows when it is valid.
// Without JavaScript, or with rules this builder cannot show, the textarea is the editor.
(() => {
  const holder = document.querySelector("[data-rule-editor]");
  const configNode = document.getElementById("rule-editor-config");
  const textarea = holder && document.getElementById(holder.dataset.ruleEditor);
  if (!holder || !configNode || !textarea) return;
  const config = JSON.parse(configNode.textContent);
  const text = config.text;
  const types = new Map(config.types.map((t) => [t.name, t]));
  const choices = { course: config.courses, role: config.roles, language: config.languages };
  const bounds = { days: [1, 3650], percent: [1, 100] };
  let uid = 0;
  let state = null;

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value;
      else if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  };
  const isGroup = (rule) => rule && typeof rule === "object" && "match" in rule;
  const shown = (rules, depth) =>
    rules && typeof rules === "object" && ["all", "any"].includes(rules.match) &&
    Array.isArray(rules.rules) &&
    rules.rules.every((r) => (isGroup(r) ? depth === 0 && shown(r, 1) : types.has(r && r.type)));

  const write = () => {
    textarea.value = JSON.stringify(state, null, 2);
    // the preview listens for input on the textarea
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };

  const matchSelect = (group, label) => {
    const id = `rule-match-${++uid}`;
    const select = el("select", { id },
      el("option", { value: "all", text: text.all }), el("option", { value: "any", text: text.any }));
    select.value = group.match;
    select.addEventListener("change", () => { group.match = select.value; write(); });
    return el("div", { class: "rule-editor__match" }, el("label", { for: id, text: label }), select);
  };

  const paramInput = (rule, param) => {
    const id = `rule-param-${++uid}`;
    let input;
    if (choices[param.kind]) {
      input = el("select", { id, required: "" }, el("option", { value: "", text: text.choose }));
      for (const [value, label] of choices[param.kind]) {
        input.append(el("option", { value: String(value), text: label }));
      }
      input.value = rule[param.key] === undefined ? "" : String(rule[param.key]);
    } else {
      const [min, max] = bounds[param.kind] || [1, 3650];
      input = el("input", { id, type: "number", min, max, step: 1, required: "", inputmode: "numeric" });
      input.value = rule[param.key] === undefined ? "" : rule[param.key];
    }
    input.addEventListener("change", () => {
      const raw = input.value;
      if (param.kind === "course" || bounds[param.kind]) {
        rule[param.key] = raw === "" ? raw : Number(raw);
      } else {
        rule[param.key] = raw;
      }
      write();
    });
    return el("span", { class: "rule-editor__param" },
      el("label", { for: id, text: text.params[param.kind] || param.key }), input);
  };

  const ruleRow = (rule, list, index) => {
    const id = `rule-type-${++uid}`;
    const typeSelect = el("select", { id });
    for (const t of types.values()) typeSelect.append(el("option", { value: t.name, text: t.label }));
    typeSelect.value = rule.type;
    typeSelect.addEventListener("change", () => {
      const fresh = { type: typeSelect.value };
      for (const p of types.get(fresh.type).params) {
        if (p.key in rule && types.get(rule.type).params.some((q) => q.kind === p.kind)) fresh[p.key] = rule[p.key];
      }
      list[index] = fresh;
      render();
      write();
    });
    const params = types.get(rule.type).params.map((p) => paramInput(rule, p));
    return el("li", { class: "rule-editor__rule" },
      el("label", { for: id, class: "visually-hidden", text: `${text.rule} ${index + 1}` }),
      typeSelect, ...params, removeButton(list, index));
  };

  const removeButton = (list, index) => {
    const button = el("button", { type: "button", class: "btn btn--ghost btn--small", text: text.remove });
    button.addEventListener("click", () => { list.splice(index, 1); render(); write(); });
    return button;
  };

  const addButtons = (group, depth) => {
    const addRule = el("button", { type: "button", class: "btn btn--small", text: text.add_rule });
    addRule.addEventListener("click", () => {
      group.rules.push({ type: config.types[0].name });
      render();
      write();
      const selects = holder.querySelectorAll(".rule-editor__rule select");
      if (selects.length) selects[selects.length - 1].focus();
    });
    const row = el("div", { class: "rule-editor__add" }, addRule);
    if (depth === 0) {
      const addGroup = el("button", { type: "button", class: "btn btn--ghost btn--small", text: text.add_group });
      addGroup.addEventListener("click", () => {
        group.rules.push({ match: "any", rules: [{ type: config.types[0].name }] });
        render();
        write();
      });
      row.append(addGroup);
    }
    return row;
  };

  const groupBlock = (group, depth) => {
    const list = el("ol", { class: "rule-editor__rules" });
    group.rules.forEach((rule, index) => {
      if (isGroup(rule)) {
        const inner = groupBlock(rule, depth + 1);
        inner.append(removeButton(group.rules, index));
        list.append(el("li", { class: "rule-editor__group" }, inner));
      } else {
        list.append(ruleRow(rule, group.rules, index));
      }
    });
    if (!group.rules.length) list.append(el("li", { class: "muted", text: text.empty }));
    return el("div", {}, matchSelect(group, depth === 0 ? text.match : text.group), list,
      addButtons(group, depth));
  };

  const render = () => {
    holder.replaceChildren(groupBlock(state, 0));
  };

  const load = () => {
    let parsed;
    try { parsed = JSON.parse(textarea.value); } catch (error) { return false; }
    if (!shown(parsed, 0)) return false;
    state = parsed;
    render();
    return true;
  };

  // the textarea's field goes under a disclosure; JSON typed there rebuilds the rows
  const field = textarea.closest(".field");
  if (!load()) return;
  if (field) {
    const details = el("details", { class: "rule-editor__json" }, el("summary", { text: text.json }));
    details.open = field.classList.contains("field--error");
    field.replaceWith(details);
    details.append(field);
    holder.after(details);
  }
  holder.hidden = false;
  textarea.addEventListener("change", () => { load(); });
})();
