// Sends a handout's form without a navigation. A form posted by navigating is a history entry
// the browser keeps to re-send: Chromium writes its body (the patient's name, medicine and date)
// into the session files of the profile on disk. Sent with fetch(), the details travel once and
// no history entry holds them. The answer is shown from memory: the PDF or the HTML twin through
// a blob: address (gone when the tab closes), a refused form or an error page in place of this
// page's body. Without JavaScript the form still posts as a plain form; the page says what that
// costs (see the noscript note in form.html.j2).
"use strict";

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-fetch")) {
    return;
  }
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  if (button.disabled) {
    return;  // already sent: a second click would make a second card
  }
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error",
    });
    const type = (response.headers.get("Content-Type") || "").split(";")[0];
    if (response.ok && response.headers.has("Content-Disposition")) {
      // the handout itself (application/pdf or the twin's text/html)
      const blob = new Blob([await response.arrayBuffer()], {type: type});
      window.location.assign(URL.createObjectURL(blob));
      return;
    }
    showPage(await response.text());
  } catch (error) {
    showPage(null);
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
});

// The app's own page (a form with its problems, or an error page) shown in place of this one,
// focus on its error summary as when it is loaded; null: the network failed, say so.
function showPage(html) {
  if (html === null) {
    const note = document.getElementById("send-failed");
    note.hidden = false;
    note.focus();
    return;
  }
  const page = new DOMParser().parseFromString(html, "text/html");
  document.title = page.title;
  document.body.replaceWith(document.adoptNode(page.body));
  const focus = document.querySelector("[autofocus]") || document.querySelector("h1");
  if (focus) {
    if (!focus.hasAttribute("tabindex")) {
      focus.setAttribute("tabindex", "-1");
    }
    focus.focus();
  }
  window.scrollTo(0, 0);
}
