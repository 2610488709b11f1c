"""Referring sites by name only: what a log line's `Referer` says of where a reader came from,
without its path or query (which can name a reader's search or a private page).

A referrer is its host name, in lower case and without `www.`; every host of a search engine
is that engine's name (`www.google.co.uk` and `google.de` are "Google"); the site's own hosts
(a reader moving between posts), anything but an http(s) address, and known referrer spam
(sites that fake referrers to be listed in statistics) are no referrer.
"""

import re
from functools import lru_cache
from urllib.parse import urlsplit

SEARCH_ENGINES = {
    "google": "Google",
    "bing": "Bing",
    "duckduckgo": "DuckDuckGo",
    "yahoo": "Yahoo",
    "yandex": "Yandex",
    "baidu": "Baidu",
    "ecosia": "Ecosia",
    "qwant": "Qwant",
    "startpage": "Startpage",
    "kagi": "Kagi",
    "naver": "Naver",
    "seznam": "Seznam",
}
"""An engine's name in a host (`<name>.<suffix>`, `search.<name>.<suffix>`) -> shown as."""
SEARCH_HOSTS = {"search.brave.com": "Brave Search", "search.aol.com": "AOL"}
REFERRER_SPAM = frozenset(
    [
        "semalt.com",
        "buttons-for-website.com",
        "buttons-for-your-website.com",
        "darodar.com",
        "ilovevitaly.com",
        "ilovevitaly.ru",
        "priceg.com",
        "best-seo-offer.com",
        "best-seo-solution.com",
        "4webmasters.org",
        "free-social-buttons.com",
        "get-free-traffic-now.com",
        "hulfingtonpost.com",
        "trafficmonetize.org",
        "video--production.com",
        "floating-share-buttons.com",
        "social-buttons.com",
        "simple-share-buttons.com",
        "site-auditor.online",
        "traffic2money.com",
        "webmonetizer.net",
        "success-seo.com",
        "rank-checker.online",
        "o-o-6-o-o.com",
        "o-o-8-o-o.com",
        "blackhatworth.com",
        "cenoval.ru",
        "econom.co",
        "makemoneyonline.com",
    ]
)
"""Domains known to send fake referrers (and every host under them)."""
HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*")
MAX_REFERRER = 2048


@lru_cache(maxsize=65536)
def referring_site(referrer: str, own_hosts: frozenset[str] = frozenset()) -> str | None:
    """The site a `Referer` names (see the module's docstring), or None."""
    if not referrer or len(referrer) > MAX_REFERRER:
        return None
    try:
        parts = urlsplit(referrer.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not HOST.fullmatch(host):
        return None
    if host.removeprefix("www.") in own_hosts or _under(host, REFERRER_SPAM):
        return None
    if host in SEARCH_HOSTS:
        return SEARCH_HOSTS[host]
    labels = host.removeprefix("www.").split(".")
    for position, label in enumerate(labels[:-1]):
        engine = SEARCH_ENGINES.get(label)
        if engine and (position == 0 or labels[:position] == ["search"]):
            return engine
    return ".".join(labels)


def _under(host: str, domains: frozenset[str]) -> bool:
    """Whether `host` is one of `domains` or a host under one."""
    labels = host.split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels) - 1))
