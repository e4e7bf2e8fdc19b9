// Time zone picker: progressive enhancement of a grouped <select> (accounts TimeZoneSelect).
//
// Inside [data-tz-picker], the script shows a text filter that narrows the options to those
// whose label, IANA name or region contains every typed word, and, when the browser's own
// zone (Intl) is on the list but not selected, a button that selects it. The selected option
// always stays in the list, so filtering never changes what the form sends. Without
// JavaScript the filter and the button stay hidden and the select works as it is.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().replace(/[_/]/g, " ").split(/\s+/).filter(Boolean);
  }

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function setUp(picker) {
    const select = picker.querySelector("select");
    const tools = picker.querySelector("[data-tz-tools]");
    const filter = picker.querySelector("[data-tz-filter]");
    const count = picker.querySelector("[data-tz-count]");
    const suggest = picker.querySelector("[data-tz-suggest]");
    if (!select || !tools || !filter) return;

    // The full list, kept aside: hidden <option>s are not hidden everywhere (Safari), so
    // filtering rebuilds the select from this copy.
    const groups = Array.from(select.children).map((node) => {
      const options = node.tagName === "OPTGROUP" ? Array.from(node.children) : [node];
      return {
        node: node,
        options: options.map((option) => ({
          option: option,
          text: [option.value, option.textContent, node.label || ""].join(" ").toLowerCase()
            .replace(/[_/]/g, " "),
        })),
      };
    });

    function matches(entry, wanted) {
      return wanted.every((word) => entry.text.includes(word));
    }

    function apply() {
      const wanted = words(filter.value);
      const selected = select.value;
      let shown = 0;
      select.replaceChildren();
      for (const group of groups) {
        const keep = [];
        for (const entry of group.options) {
          const hit = matches(entry, wanted);
          if (hit) shown += 1;
          if (hit || entry.option.value === selected) keep.push(entry.option);
        }
        if (!keep.length) continue;
        if (group.node.tagName === "OPTGROUP") {
          group.node.replaceChildren(...keep);
          select.append(group.node);
        } else {
          select.append(...keep);
        }
      }
      select.value = selected;
      if (count) {
        if (!wanted.length) count.textContent = "";
        else if (!shown) count.textContent = count.dataset.none || "";
        else count.textContent = (count.dataset.some || "").replace("%(count)s", String(shown));
      }
    }

    filter.addEventListener("input", apply);
    // Enter in the filter would submit the whole form; here it picks the first match.
    filter.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const wanted = words(filter.value);
      for (const group of groups) {
        const first = group.options.find((entry) => matches(entry, wanted));
        if (first) {
          select.value = first.option.value;
          select.dispatchEvent(new Event("change", {bubbles: true}));
          return;
        }
      }
    });
    tools.hidden = false;

    if (!suggest) return;
    const zone = browserZone();
    const known = groups.some((group) => group.options.some((e) => e.option.value === zone));
    function refreshSuggestion() {
      suggest.hidden = !known || select.value === zone;
    }
    if (known) {
      suggest.textContent = (suggest.dataset.label || "%(zone)s").replace("%(zone)s", zone);
      suggest.addEventListener("click", () => {
        filter.value = "";
        apply();
        select.value = zone;
        select.dispatchEvent(new Event("change", {bubbles: true}));
        select.focus();
      });
      select.addEventListener("change", refreshSuggestion);
    }
    refreshSuggestion();
  }

  document.querySelectorAll("[data-tz-picker]").forEach(setUp);
})();
