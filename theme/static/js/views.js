/* The optional view beacon for Popular Posts (POPULAR_POSTS_BEACON): tells the writer's own
   comment service that this post was read. No cookie; one beacon per post per 30 minutes per
   tab session; the service keeps only the path and the day. */
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-endpoint");
  if (!endpoint || !navigator.sendBeacon) {
    return;
  }
  var key = "pathways-viewed:" + location.pathname;
  var last = 0;
  try {
    last = Number(sessionStorage.getItem(key)) || 0;
  } catch (error) {
    last = 0;
  }
  if (Date.now() - last < 30 * 60 * 1000) {
    return;
  }
  navigator.sendBeacon(endpoint + "/views", location.pathname);
  try {
    sessionStorage.setItem(key, String(Date.now()));
  } catch (error) {
    /* Storage is off: the service still counts this client once per 30 minutes. */
  }
})();
