"""Host configuration for the production site: security headers and cache rules.

Writes `_headers` (Netlify, Cloudflare Pages) and `nginx-headers.conf` (to `include` in the
nginx server block) with a strict Content-Security-Policy that the theme satisfies (no
inline scripts or styles; the comment service's origin allowed for the form and beacon),
`Referrer-Policy`, `X-Content-Type-Options`, `Permissions-Policy`, and cache lifetimes.
Only for builds with an absolute `SITEURL` (production).
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pelican import signals

# What nginx sends with pages and every file no rule below covers (Netlify and Cloudflare
# Pages do the same by default).
REVALIDATE = "no-cache"
CACHE_RULES = {
    "/theme/*": "public, max-age=604800, stale-while-revalidate=86400",
    "/images/*": "public, max-age=2592000",
    "/pagefind/*": "public, max-age=3600",
    "/feeds/*": "public, max-age=3600",
}
# The smaller copies of a photo are named by its content (`walk.0123abcd-800.avif`, see the
# photos plugin): they never change, so nginx lets browsers keep them for a year, before its
# rule for the folder they are in. (`_headers` has no patterns: there they follow `/images/*`.)
PHOTO_COPY = r"\.[0-9a-f]{8}-[0-9]+\.(avif|webp|jpg|png)$"
IMMUTABLE = "public, max-age=31536000, immutable"


def content_security_policy(settings: dict) -> str:
    endpoint = settings["COMMENTS_ENDPOINT"]
    service = ""
    if endpoint:
        parts = urlsplit(endpoint)
        service = f" {parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self'{service}",
            f"form-action 'self'{service}",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


def security_headers(settings: dict) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(settings),
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


def cache_rules(settings: dict) -> dict[str, str]:
    """Theme files named by their content never change: a year; otherwise a week."""
    rules = dict(CACHE_RULES)
    if settings["FINGERPRINT_ASSETS"]:
        rules["/theme/*"] = IMMUTABLE
    return rules


def write_host_config(pelican: Any) -> None:
    settings = pelican.settings
    if not settings.get("SITEURL", "").startswith(("http://", "https://")):
        return
    output = Path(pelican.output_path)
    headers = security_headers(settings)
    lines = ["/*", *(f"  {name}: {value}" for name, value in headers.items())]
    rules = cache_rules(settings)
    for pattern, rule in rules.items():
        lines += [pattern, f"  Cache-Control: {rule}"]
    (output / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nginx = [f'add_header {name} "{value}" always;' for name, value in headers.items()]
    # Pages keep their time from one release to the next when unchanged; without a rule,
    # browsers would keep one for a tenth of its age without asking, and show an edited
    # post as it was. Asking each time costs a 304 when it did not change.
    nginx.append(f'add_header Cache-Control "{REVALIDATE}";')
    locations = {f'"{PHOTO_COPY}"': IMMUTABLE}
    locations.update({f"^{pattern.rstrip('*')}": rule for pattern, rule in rules.items()})
    nginx += [
        f'location ~ {pattern} {{ add_header Cache-Control "{rule}"; '
        + " ".join(f'add_header {n} "{v}" always;' for n, v in headers.items())
        + " }"
        for pattern, rule in locations.items()
    ]
    header = "# Security headers and cache rules; `include` this file in the server block.\n"
    (output / "nginx-headers.conf").write_text(header + "\n".join(nginx) + "\n", encoding="utf-8")


def register() -> None:
    signals.finalized.connect(write_host_config)
