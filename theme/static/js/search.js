/* Search with the Pagefind index built with the site: results with title, excerpt and the
   words found highlighted. Without JavaScript the page shows where else to look.
   A larger blog's index is made in parts: the first part's bundle is the form's
   data-bundle, and its parts.json lists the folders of the others, merged into it so that
   results from every part come back ranked together. */
const form = document.querySelector("[data-search-form]");
const results = document.querySelector("[data-search-results]");
const status = document.querySelector(".search-status");
document.querySelector("[data-search-fallback]").hidden = true;

let loading = null;

async function loadIndex() {
  const bundle = new URL(form.dataset.bundle, location.href);
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  const response = await fetch(new URL("parts.json", bundle));
  if (!response.ok) {
    throw new Error(`parts.json: ${response.status}`);
  }
  const others = await response.json();
  await Promise.all(others.map((folder) => pagefind.mergeIndex(new URL(folder, bundle).href)));
  return pagefind;
}

async function search(query) {
  results.replaceChildren();
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  let pagefind;
  try {
    pagefind = await (loading ||= loadIndex());
  } catch (error) {
    loading = null;
    status.textContent = "The search index is not available; try the archive instead.";
    return;
  }
  const found = await pagefind.search(query);
  const pages = await Promise.all(found.results.slice(0, 20).map((result) => result.data()));
  for (const page of pages) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = page.url;
    link.textContent = page.meta.title || page.url;
    const heading = document.createElement("h2");
    heading.className = "search-result-title";
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.innerHTML = page.excerpt; /* Pagefind escapes the text and adds only <mark>. */
    /* An excerpt cut from the middle of the text says so at the end it was cut. */
    const words = excerpt.textContent.trim();
    const text = (page.content || "").trim();
    if (words && !text.startsWith(words.split(" ")[0])) excerpt.prepend("… ");
    if (words && !text.endsWith(words.split(" ").pop())) excerpt.append(" …");
    item.append(heading, excerpt);
    results.append(item);
  }
  const count = found.results.length;
  status.textContent = count
    ? `${count} result${count === 1 ? "" : "s"} for “${query}”.`
    : `Nothing found for “${query}”.`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = form.elements.q.value;
  history.replaceState(null, "", "?q=" + encodeURIComponent(query));
  search(query);
});

const initial = new URLSearchParams(location.search).get("q") || "";
form.elements.q.value = initial;
search(initial);
