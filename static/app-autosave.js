// Drafts that save themselves. The section form posts to its own page with action "autosave"
// (the same service and version checks as "Save draft"); the page answers JSON with the new
// versions, or 409 with the conflict table's HTML. A static file: the CSP allows no inline script.
const form = document.querySelector("form[data-autosave]");
const status = document.getElementById("autosave-status");
const DELAY_MS = 1500;
let timer = null;
let inFlight = null;
let dirty = false;

function say(text) {
  if (status) status.textContent = text;
}

async function save() {
  timer = null;
  if (inFlight) {
    // Wait for the save under way, whose versions the next one must carry.
    await inFlight;
  }
  if (!dirty) return;
  dirty = false;
  const data = new FormData(form);
  data.set("action", "autosave");
  inFlight = fetch(form.dataset.autosave, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-Requested-With": "fetch" },
  })
    .then(async (response) => {
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        for (const [code, version] of Object.entries(body.versions || {})) {
          const input = form.querySelector(`input[name="${code}-version"]`);
          if (input) input.value = version;
        }
        say(`Saved at ${body.saved_at}`);
      } else if (response.status === 409 && body.conflicts_html) {
        const box = document.getElementById("autosave-conflicts");
        if (box) box.innerHTML = body.conflicts_html;
        say("Not saved: these answers were changed elsewhere. See the table above.");
      } else {
        say(body.message || "Not saved yet: use Save draft.");
      }
    })
    .catch(() => say("Not saved yet: check your connection, or use Save draft."))
    .finally(() => {
      inFlight = null;
    });
  await inFlight;
}

function changed() {
  dirty = true;
  say("Saving…");
  if (timer) clearTimeout(timer);
  timer = setTimeout(save, DELAY_MS);
}

if (form) {
  // A button press posts the whole form itself: no save of ours may race it.
  // One under way must land first: the form then carries the versions it returned.
  form.addEventListener("submit", (event) => {
    if (timer) clearTimeout(timer);
    timer = null;
    dirty = false;
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.then(() => form.requestSubmit(submitter));
    }
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // Leaving the page with a save pending: send it now, so nothing typed is lost.
  window.addEventListener("pagehide", () => {
    if (timer && dirty) {
      clearTimeout(timer);
      const data = new FormData(form);
      data.set("action", "autosave");
      navigator.sendBeacon(form.dataset.autosave, data);
    }
  });
}
