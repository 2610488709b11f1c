/* "Post a Comment" enhancements. Without JavaScript the form posts normally and Reply links
   open the comment service's reply page; with it, replies fill in the form on this page and
   the comment is sent without leaving it. */
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  if (!form || !window.fetch) {
    return;
  }
  var loadedAt = Date.now();
  var parent = form.elements.parent;
  var replying = form.querySelector(".replying-to");
  var status = form.querySelector(".form-status");
  var body = form.elements.body;
  var key = form.elements.key;

  // A new one-time key per comment: if the answer is lost and the reader sends again,
  // the service recognises the same comment and keeps it once.
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    key.value = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  newKey();

  function cancelReply() {
    parent.value = "";
    replying.hidden = true;
    replying.textContent = "";
  }

  document.querySelectorAll("a[data-reply-to]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      parent.value = link.getAttribute("data-reply-to");
      replying.textContent = "Replying to " + link.getAttribute("data-reply-author") + ". ";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "link-button";
      cancel.textContent = "Cancel reply";
      cancel.addEventListener("click", function () {
        cancelReply();
        body.focus();
      });
      replying.appendChild(cancel);
      replying.hidden = false;
      body.focus();
    });
  });

  form.addEventListener("submit", function (event) {
    form.elements.elapsed.value = String(Date.now() - loadedAt);
    event.preventDefault();
    // Not "[type=submit]": the production build drops the attribute, as it is the default.
    var button = event.submitter || form.querySelector("button:not([type=button])");
    button.disabled = true;
    status.textContent = "Sending…";
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
    })
      .catch(function () {
        throw new Error("The comment could not be sent: the comment service did not answer. " +
          "Please try again in a moment.");
      })
      .then(function (response) {
        return response.json().catch(function () {
          return {};
        }).then(function (data) {
          if (!response.ok) {
            throw new Error((data.errors || ["The comment could not be sent."]).join(" "));
          }
          form.reset();
          cancelReply();
          newKey();
          status.textContent = data.message;
        });
      })
      .catch(function (error) {
        var reason = error && error.message ? error.message : "";
        status.textContent = (reason || "The comment could not be sent.") +
          " Your text is still in the form.";
      })
      .then(function () {
        button.disabled = false;
      });
  });
})();
