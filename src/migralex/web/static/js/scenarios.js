/* scenarios page (wired as its capability lands). */
"use strict";

(async () => {
  const health = await ML.api("/v1/health");
  if (!health.capabilities.simulations) {
    const note = document.getElementById("unavailable");
    note.hidden = false;
    note.textContent = "This capability (simulations) is not available in this build yet.";
  }
})();
