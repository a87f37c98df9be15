// Small behaviours htmx does not cover: the step editor's move and remove buttons in the page,
// and the live tables' connection state. Every form still works without this (the step buttons
// submit the form; periodic-only and signal-only fields follow the trigger mode in app.css).
"use strict";

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

// The live tables say whether their event stream is connected (tests wait on it too).
document.addEventListener("htmx:sseOpen", (event) => {
  const elt = event.detail?.elt;
  if (elt instanceof HTMLElement) elt.dataset.live = "open";
});
document.addEventListener("htmx:sseError", (event) => {
  const elt = event.detail?.elt;
  if (elt instanceof HTMLElement) elt.dataset.live = "reconnecting";
});
