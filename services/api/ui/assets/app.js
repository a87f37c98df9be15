// Small behaviours htmx does not cover: periodic-only fields, the step editor's move and remove
// buttons, and adding typed tickers to the multi-select. Every form still works without this.
"use strict";

function syncTriggerMode(form) {
  const mode = form.querySelector("[name=trigger_mode]");
  if (!mode) return;
  for (const el of form.querySelectorAll("[data-mode]")) {
    el.hidden = el.dataset.mode !== mode.value;
  }
}

function renumberSteps(list) {
  const steps = [...list.querySelectorAll(":scope > .step")];
  steps.forEach((step, i) => {
    const n = step.querySelector("[data-step-number]");
    if (n) n.textContent = String(i + 1);
  });
}

// A step's buttons are named after its id ("Move step note up"): renamed as the id is typed.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.name.endsWith(".id")) return;
  const step = input.closest(".step");
  const id = input.value.trim() || step?.querySelector("[name$='.agent']")?.value || "";
  const names = { up: "Move step {} up", down: "Move step {} down", remove: "Remove step {}" };
  for (const button of step?.querySelectorAll("button[data-step]") ?? []) {
    const name = names[button.dataset.step];
    if (name) button.setAttribute("aria-label", name.replace("{}", id));
  }
});

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.name === "trigger_mode" && target.form) {
    syncTriggerMode(target.form);
  }
});

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-step]") : null;
  if (!button) return;
  const step = button.closest(".step");
  const list = step?.parentElement;
  if (!step || !list) return;
  event.preventDefault();
  const action = button.dataset.step;
  if (action === "remove") {
    const next = step.nextElementSibling ?? step.previousElementSibling;
    step.remove();
    (next?.querySelector("button") ?? document.getElementById("add-step-agent"))?.focus();
  } else if (action === "up" && step.previousElementSibling) {
    list.insertBefore(step, step.previousElementSibling);
    button.focus();
  } else if (action === "down" && step.nextElementSibling) {
    list.insertBefore(step.nextElementSibling, step);
    button.focus();
  }
  renumberSteps(list);
});

document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.detail?.target;
  if (list instanceof Element && list.id === "steps") {
    renumberSteps(list);
    list.lastElementChild?.querySelector("input:not([type=hidden]), textarea")?.focus();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form")) syncTriggerMode(form);
});

// The live tables say whether their event stream is connected (tests wait on it too).
document.addEventListener("htmx:sseOpen", (event) => {
  const elt = event.detail?.elt;
  if (elt instanceof HTMLElement) elt.dataset.live = "open";
});
document.addEventListener("htmx:sseError", (event) => {
  const elt = event.detail?.elt;
  if (elt instanceof HTMLElement) elt.dataset.live = "reconnecting";
});
