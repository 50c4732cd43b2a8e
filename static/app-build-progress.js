// A report build's page: without JavaScript it refreshes itself (the noscript meta refresh);
// with it, the build's progress is read from the API and the page reloads once it has finished.
const script = document.querySelector("script[data-build-url]");
const step = document.getElementById("build-step");
const labelsElement = document.getElementById("build-step-labels");
if (script && step && labelsElement) {
  const url = script.dataset.buildUrl;
  const labels = JSON.parse(labelsElement.textContent);
  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      const build = await response.json();
      if (build.status !== "queued" && build.status !== "running") { window.location.reload(); return; }
      const text = (labels[build.step] || build.step) + "…";
      if (step.textContent !== text) step.textContent = text;
    } catch (error) {
      window.location.reload();
      return;
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
}
