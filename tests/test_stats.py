"""The writer's stats page (`pathways stats`): built from an access log with known counts, its
tables, charts and sort orders say what the log holds, it loads nothing, and passes axe."""

import re
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from pathways.views.daily import DailyCounts
from tests.comment_helpers import running_service
from tests.sites import ROOT, free_port, post, run_pathways, text, write_post, write_settings

ZONE = ZoneInfo("America/New_York")  # the shipped TIMEZONE, which write_settings pins
TODAY = date(2026, 11, 20)
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
POSTS = {  # slug: (title, publication time in the blog's zone)
    "alpha": ("Alpha", "2026-09-01 10:00"),
    "beta": ("Beta & co", "2026-11-10 09:00"),
    "gamma": ("Gamma", "2025-01-15 08:00"),
}
# Views per post and local day, each from another reader at noon, New York time.
DAILY = {
    ("alpha", date(2026, 11, 20)): 5,
    ("alpha", date(2026, 11, 14)): 3,
    ("alpha", date(2026, 10, 1)): 7,
    ("alpha", date(2026, 9, 2)): 2,
    ("beta", date(2026, 11, 19)): 3,
    ("beta", date(2026, 11, 10)): 6,
    ("gamma", date(2025, 3, 1)): 9,
    ("gamma", date(2026, 8, 15)): 1,
}
# One more view of beta at 03:00 UTC on 20 November: 22:00 on the 19th in New York.
LATE_VIEW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
COMMENTS = {"alpha": ["2026-10-02", "2026-11-15", "2026-11-16"], "beta": ["2026-10-20"]}
WINDOWS = ("7d", "30d", "365d", "all")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Where the first readers of some days came from: by name only, search engines by theirs, the
# site's own address (a reader moving between posts) and referrer spam left out.
REFERRERS = {
    ("alpha", date(2026, 11, 20)): [
        "https://www.google.com/search?q=pacing+tips",
        "https://www.google.com/search?q=ketamine",
        "https://news.ycombinator.com/item?id=1",
        "https://pathways.example.org/posts/beta/",
        "http://semalt.com/",
    ],
    ("alpha", date(2026, 10, 1)): ["https://www.bing.com/search?q=x"] * 3,
    ("beta", date(2026, 11, 10)): [
        "https://google.co.uk/",
        "https://google.co.uk/",
        "https://example.net/a/private/page?who=me",
    ],
}
SITES_7D = [("Google", 2), ("news.ycombinator.com", 1)]
SITES_30D = [("Google", 4), ("example.net", 1), ("news.ycombinator.com", 1)]


def line(
    address: str,
    moment: datetime,
    path: str,
    status: int = 200,
    agent: str = AGENT,
    referrer: str = "-",
) -> str:
    stamp = moment.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{address} - - [{stamp}] "GET {path} HTTP/1.1" {status} 512 "{referrer}" "{agent}"\n'


def access_log() -> tuple[str, Counter]:
    """The log, and what each of its lines must come to in the accounting."""
    lines, outcomes = [], Counter()
    reader = 0
    for (slug, day), views in sorted(DAILY.items(), key=lambda item: item[0][1]):
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZONE)
        referrers = REFERRERS.get((slug, day), [])
        for number in range(views):
            reader += 1
            came_from = referrers[number] if number < len(referrers) else "-"
            lines.append(line(f"198.51.100.{reader}", noon, f"/posts/{slug}/", referrer=came_from))
            outcomes["counted"] += 1
    lines.append(line("203.0.113.7", LATE_VIEW, "/posts/beta/"))
    outcomes["counted"] += 1
    # The same reader again within 30 minutes: repeats.
    lines.append(line("203.0.113.7", LATE_VIEW + timedelta(minutes=5), "/posts/beta/"))
    lines.append(line("203.0.113.7", LATE_VIEW + timedelta(minutes=20), "/posts/beta/"))
    outcomes["repeats"] += 2
    for minute in range(3):
        crawl = LATE_VIEW + timedelta(minutes=minute)
        lines.append(line("66.249.66.1", crawl, "/posts/alpha/", agent=BOT))
        outcomes["bots"] += 1
    for path in ("/theme/css/style.css", "/", "/posts/nothing-here/"):
        lines.append(line("198.51.100.200", LATE_VIEW, path))
        outcomes["not_views"] += 1
    lines.append(line("198.51.100.201", LATE_VIEW, "/posts/alpha/", status=404))
    outcomes["not_views"] += 1
    tomorrow = datetime(2026, 11, 21, 9, tzinfo=ZONE)
    lines.append(line("198.51.100.202", tomorrow, "/posts/alpha/"))
    outcomes["future"] += 1
    lines.append("this is not a log line\n")
    outcomes["malformed"] += 1
    return "".join(lines), outcomes


def expected_days() -> Counter:
    """Views per (post, local day), the late view on the 19th."""
    days = Counter(DAILY)
    days[("beta", date(2026, 11, 19))] += 1
    return days


def expected_windows() -> dict[str, Counter]:
    """Each window's views per post: a day is in `Nd` when it is one of the last N days."""
    windows = {}
    for window in WINDOWS:
        span = None if window == "all" else int(window[:-1])
        windows[window] = Counter()
        for (slug, day), views in expected_days().items():
            if span is None or (TODAY - day).days < span:
                windows[window][slug] += views
    return windows


@pytest.fixture(scope="module")
def blog(tmp_path_factory) -> Path:
    """A blog of three posts, four comments and an access log, and its settings."""
    folder = tmp_path_factory.mktemp("stats-blog")
    content = folder / "content"
    for slug, (title, published) in POSTS.items():
        write_post(content, f"{slug}.md", post(title, published, Slug=slug, Summary="S."))
    for slug, days in COMMENTS.items():
        for number, day in enumerate(days):
            comment = content / "comments" / slug / f"{day.replace('-', '')}T100000-aaaa{number}.md"
            comment.parent.mkdir(parents=True, exist_ok=True)
            comment.write_text(f"Author: Reader\nDate: {day}T15:00:00+00:00\n\nThank you.\n")
    log, _ = access_log()
    (folder / "access.log").write_text(log, encoding="utf-8")
    return write_settings(
        folder,
        content,
        POPULAR_POSTS_SOURCES=[str(folder / "access.log")],
        POPULAR_POSTS_TODAY=TODAY.isoformat(),
        POPULAR_POSTS_WINDOWS=["30d"],
        POPULAR_POSTS_HOSTS=["pathways.example.org"],
    )


@pytest.fixture(scope="module")
def stats_file(blog: Path) -> Path:
    result = run_pathways("stats", "--settings", str(blog), "--no-open")
    assert result.returncode == 0, result.stderr
    page = blog.parent / "stats" / "index.html"
    assert f"Wrote the stats page to {page}" in result.stdout
    return page


@pytest.fixture(scope="module")
def page(stats_file: Path) -> BeautifulSoup:
    return BeautifulSoup(stats_file.read_text(encoding="utf-8"), "html.parser")


def chart_table(page: BeautifulSoup, chart: str) -> dict[str, int]:
    table = page.find("table", attrs={"data-chart": f"chart-{chart}"})
    return {text(row.th): int(text(row.td).replace(",", "")) for row in table.tbody.find_all("tr")}


def bars(page: BeautifulSoup, chart: str) -> tuple[int, list[tuple[int, float, str]]]:
    """A chart's scale top, and each bar's value, height and hover text."""
    svg = page.find(id=f"chart-{chart}").find("svg", class_="chart")
    return int(svg["data-top"]), [
        (int(rect["data-value"]), float(rect["height"]), rect.title.string)
        for rect in svg.find_all("rect", class_="bar")
    ]


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@pytest.mark.build
def test_views_per_day_are_the_logs_views_on_the_blogs_local_days(page):
    shown = chart_table(page, "days")
    first = TODAY - timedelta(days=89)
    per_day = Counter()
    for (_, day), views in expected_days().items():
        per_day[day] += views
    assert list(shown) == [day_label(first + timedelta(days=n)) for n in range(90)]
    assert shown == {
        day_label(first + timedelta(days=n)): per_day[first + timedelta(days=n)] for n in range(90)
    }
    # The view at 03:00 UTC on the 20th is the evening of the 19th in New York.
    assert shown[day_label(date(2026, 11, 19))] == 4
    # Days a post was published are marked, in the chart and its table.
    rows = page.find("table", attrs={"data-chart": "chart-days"}).tbody.find_all("tr")
    published = {
        text(row.th): text(row.find_all("td")[1]) for row in rows if text(row.find_all("td")[1])
    }
    assert published == {
        day_label(date(2026, 9, 1)): "Alpha",
        day_label(date(2026, 11, 10)): "Beta & co",
    }
    chart = page.find(id="chart-days").find("svg", class_="chart")
    marks = [text(mark.title) for mark in chart.find_all("rect", class_="mark")]
    assert marks == ["published Alpha", "published Beta & co"]


@pytest.mark.build
def test_every_bar_is_as_high_as_its_count_on_the_charts_scale(page):
    for chart in ("days", "weeks", "months", "comments"):
        top, drawn = bars(page, chart)
        values = [value for value, _, _ in drawn]
        assert values == list(chart_table(page, chart).values()), chart
        assert max(values) <= top < 10 * max(max(values), 1), chart
        for value, height, _ in drawn:
            assert height == pytest.approx(value / top * 100, abs=0.001), chart
        figure = page.find(id=f"chart-{chart}")
        assert text(figure.find(class_="y-axis").span) == f"{top:,}"
    top, drawn = bars(page, "days")
    assert (top, max(drawn)[0]) == (10, 7)
    assert drawn[-1] == (5, 50.0, "Fri 20 Nov 2026: 5 views")


@pytest.mark.build
def test_weeks_and_months_add_up_the_days(page):
    weeks, months = Counter(), Counter()
    for (_, day), views in expected_days().items():
        weeks[day - timedelta(days=day.weekday())] += views
        months[(day.year, day.month)] += views
    shown = chart_table(page, "weeks")
    assert len(shown) == 52
    last_monday = date(2026, 11, 16)
    assert shown == {
        f"Week of {day_label(last_monday - timedelta(weeks=n))}": weeks[
            last_monday - timedelta(weeks=n)
        ]
        for n in reversed(range(52))
    }
    shown = chart_table(page, "months")
    # From the first month with a post (Gamma, January 2025) to this one.
    assert next(iter(shown)) == "January 2025" and list(shown)[-1] == "November 2026"
    assert len(shown) == 23
    for label, views in shown.items():
        moment = datetime.strptime(label, "%B %Y")
        assert views == months[(moment.year, moment.month)], label


def post_rows(table) -> list[list[str]]:
    return [
        [text(cell) for cell in row.find_all(["th", "td"])] for row in table.tbody.find_all("tr")
    ]


@pytest.mark.build
def test_each_posts_views_in_the_four_windows_and_its_last_90_days(page):
    windows = expected_windows()
    table = page.find(id="posts-by-30d-descending").table
    headings = [text(th.a).split(",")[0] for th in table.thead.find_all("th")]
    assert headings == [
        "Post",
        "Published",
        "Last 7 days",
        "Last 30 days",
        "Last year",
        "All time",
        "Last 90 days",
        "Comments",
    ]
    titles = {slug: title for slug, (title, _) in POSTS.items()}
    first = TODAY - timedelta(days=89)
    for row in post_rows(table):
        slug = next(slug for slug, title in titles.items() if title == row[0])
        recent = sum(v for (s, day), v in expected_days().items() if s == slug and day >= first)
        assert row[1] == POSTS[slug][1][:10]
        assert [int(cell) for cell in row[2:6]] == [windows[w][slug] for w in WINDOWS]
        assert int(row[6]) == recent
        assert int(row[7]) == len(COMMENTS.get(slug, []))
    # Alpha's sparkline: its days drawn once, a bar a day on the sparkline's own scale.
    cell = page.find(id="posts-by-30d-descending").find(
        "svg", attrs={"aria-label": re.compile("^17 views")}
    )
    symbol = page.find("symbol", id=cell.use["href"][1:])
    days = [int(value) for value in symbol["data-values"].split(",")]
    assert days == [DAILY.get(("alpha", first + timedelta(days=offset)), 0) for offset in range(90)]
    bars = re.findall(r"M(\d+) 24v-([\d.]+)h1v\2z", symbol.find_all("path")[1]["d"])
    assert {int(x): float(height) for x, height in bars} == {
        offset: pytest.approx(views / 10 * 24) for offset, views in enumerate(days) if views
    }
    assert int(symbol["data-top"]) == 10


@pytest.mark.build
def test_column_headers_link_to_the_table_sorted_by_them(page):
    tables = page.find_all("div", class_="sorted")
    ids = {table["id"] for table in tables}
    assert len(ids) == len(tables) == 16  # 8 columns, 2 orders each
    assert [t["id"] for t in tables if "default" in t["class"]] == ["posts-by-30d-descending"]
    for wrapper in tables:
        sorted_by, direction = wrapper["id"].removeprefix("posts-by-").rsplit("-", 1)
        headers = wrapper.table.thead.find_all("th")
        marked = [th for th in headers if th.get("aria-sort")]
        assert len(marked) == 1 and marked[0]["aria-sort"] == direction
        reverse = "ascending" if direction == "descending" else "descending"
        assert marked[0].a["href"] == f"#posts-by-{sorted_by}-{reverse}"
        for th in headers:
            assert th.a["href"][1:] in ids
    order = {wrapper["id"]: [row[0] for row in post_rows(wrapper.table)] for wrapper in tables}
    assert order["posts-by-7d-descending"] == ["Alpha", "Beta & co", "Gamma"]
    assert order["posts-by-all-ascending"] == ["Beta & co", "Gamma", "Alpha"]  # 10, 10, 17
    assert order["posts-by-title-descending"] == ["Gamma", "Beta & co", "Alpha"]
    assert order["posts-by-published-descending"] == ["Beta & co", "Alpha", "Gamma"]
    assert order["posts-by-comments-descending"] == ["Alpha", "Beta & co", "Gamma"]


@pytest.mark.build
def test_referring_sites_of_the_last_7_and_30_days_by_name(page):
    shown = {
        int(table["data-days"]): [
            (text(row.th), int(text(row.td))) for row in table.tbody.find_all("tr")
        ]
        for table in page.find_all("table", class_="referrers")
    }
    assert shown == {7: SITES_7D, 30: SITES_30D}
    assert "private" not in text(page.find(id="referrers").parent)


@pytest.mark.build
def test_comments_per_month_and_the_most_discussed(page):
    shown = chart_table(page, "comments")
    assert {label: n for label, n in shown.items() if n} == {"October 2026": 2, "November 2026": 2}
    rows = post_rows(page.find("table", class_="discussed"))
    assert rows == [["Alpha", "3", "2026-11-16"], ["Beta & co", "1", "2026-10-20"]]


@pytest.mark.build
def test_the_accounting_is_the_views_reports(page, blog):
    _, outcomes = access_log()
    table = page.find("table", attrs={"data-kind": "lines"})
    shown = {text(row.th): int(text(row.td)) for row in table.tbody.find_all("tr")}
    lines = sum(outcomes.values())
    assert text(table.caption) == f"Access logs: {lines} lines read from 1 file(s)"
    report = run_pathways("views", "--settings", str(blog), "report")
    assert report.returncode == 0, report.stderr
    printed = {
        label.strip(): int(count.replace(",", ""))
        for count, label in re.findall(r"^\s+([\d,]+)  (.+)$", report.stdout, re.MULTILINE)
    }
    for label, count in shown.items():
        key = label[0].lower() + label[1:].replace("Of the counted,", "of the counted were")
        assert printed[key.replace("of the counted,", "of the counted were")] == count, label
    assert shown["Malformed (not in a format read)"] == outcomes["malformed"]
    assert shown["Bots (crawlers, scripts, empty user agent)"] == outcomes["bots"]
    assert shown["Repeats (same reader and post within 30 minutes)"] == outcomes["repeats"]
    assert shown["After the reference time"] == outcomes["future"]
    assert shown["Counted"] == outcomes["counted"] == sum(expected_days().values())
    assert shown["In all"] == lines


@pytest.mark.build
def test_the_page_is_in_the_blog_outside_the_published_site_and_loads_nothing(page, blog):
    assert not (blog.parent / "output").exists()
    assert (ROOT / ".gitignore").read_text().count("/stats/") == 1
    assert page.find("script") is None and page.find("link", rel="stylesheet") is None
    for tag in page.find_all(src=True):
        pytest.fail(f"the page loads {tag['src']}")
    assert not page.find_all(href=re.compile(r"^(https?:)?//"))
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"


@pytest.mark.sample
@pytest.mark.build
def test_the_sample_blog_shows_its_sample_log(tmp_path):
    output = tmp_path / "stats.html"
    result = run_pathways("stats", "--no-open", "--output", str(output))
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(output.read_text(encoding="utf-8"), "html.parser")
    assert "data/sample-access.log" in text(page.find(id="counting").parent)
    total = sum(chart_table(page, "days").values())
    assert total > 0
    assert text(page.find(id="chart-days-caption")) == f"Views per day, last 90 days: {total} views"


def assert_fits_and_passes_axe(page, width: int) -> None:
    """With every table opened, the page is no wider than the screen and axe finds nothing."""
    for summary in page.locator("summary").all():
        summary.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_page_passes_axe_fits_the_screen_and_sorts_without_javascript(
    browser, stats_file, width, scheme
):
    requests = []
    for javascript in (False, True):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
            java_script_enabled=javascript,
        )
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(stats_file.as_uri())
        visible = page.locator("div.sorted:visible")
        assert visible.count() == 1 and visible.get_attribute("id") == "posts-by-30d-descending"
        if not javascript:
            visible.get_by_role("link", name=re.compile(r"^Post\W+sort ascending$")).click()
            shown = page.locator("div.sorted:visible")
            assert shown.get_attribute("id") == "posts-by-title-ascending"
            names = [" ".join(name.split()) for name in shown.locator("tbody th").all_inner_texts()]
            assert names == ["Alpha", "Beta & co", "Gamma"]
        else:
            assert_fits_and_passes_axe(page, width)
        context.close()
    assert {url.split(":", 1)[0] for url in requests} == {"file"}


@pytest.mark.build
def test_csv_days_are_on_their_day_and_a_periods_totals_on_none(tmp_path):
    content = tmp_path / "content"
    write_post(content, "alpha.md", post("Alpha", "2026-09-01 10:00", Slug="alpha", Summary="S."))
    (tmp_path / "views.csv").write_text("path,date,views\n/posts/alpha/,2026-11-19,3\n")
    (tmp_path / "pages.csv").write_text("name,visitors,pageviews\n/posts/alpha/,8,10\n")
    settings = write_settings(
        tmp_path,
        content,
        POPULAR_POSTS_SOURCES=[
            str(tmp_path / "views.csv"),
            f"{tmp_path / 'pages.csv'} 2026-11-01..2026-11-15",
        ],
        POPULAR_POSTS_TODAY=TODAY.isoformat(),
    )
    output = tmp_path / "stats.html"
    result = run_pathways(
        "stats", "--settings", str(settings), "--no-open", "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(output.read_text(encoding="utf-8"), "html.parser")
    days = {label: views for label, views in chart_table(page, "days").items() if views}
    assert days == {day_label(date(2026, 11, 19)): 3}
    assert "10 views come from totals for a period" in text(page.find(id="views").parent)
    row = post_rows(page.find(id="posts-by-30d-descending").table)[0]
    assert row[:6] == ["Alpha", "2026-09-01", "3", "13", "13", "13"]
    rows = page.find("table", attrs={"data-kind": "rows"})
    assert text(rows.caption) == "CSV exports: 2 rows read from 2 file(s)"


SERVER_FILES = {
    "POPULAR_POSTS_SERVER_VIEWS": "data/server-views.csv",
    "POPULAR_POSTS_SERVER_SITES": "data/server-sites.csv",
}


def one_post_blog(folder: Path) -> Path:
    """A blog of one post whose laptop has an access log of two days: two readers from Bing
    on 5 November, one from Google on the 18th; its settings."""
    content = folder / "content"
    write_post(content, "alpha.md", post("Alpha", "2026-09-01 10:00", Slug="alpha", Summary="S."))
    fifth, eighteenth = (datetime(2026, 11, day, 12, tzinfo=ZONE) for day in (5, 18))
    lines = [
        line("198.51.100.1", fifth, "/posts/alpha/", referrer="https://www.bing.com/"),
        line("198.51.100.2", fifth, "/posts/alpha/", referrer="https://www.bing.com/search?q=x"),
        line("198.51.100.3", eighteenth, "/posts/alpha/", referrer="https://www.google.com/"),
    ]
    (folder / "access.log").write_text("".join(lines), encoding="utf-8")
    return write_settings(
        folder,
        content,
        POPULAR_POSTS_SOURCES=[str(folder / "access.log")],
        POPULAR_POSTS_TODAY=TODAY.isoformat(),
        **SERVER_FILES,
    )


def laptop_blog(folder: Path, **production: object) -> Path:
    """`one_post_blog` as a blog's folder: the shipped `pelicanconf.py` and `publishconf.py`
    with its own content, and `production` in `publishconf.py`; the latter's path."""
    one_post_blog(folder)
    common = {
        "PATH": str(folder / "content"),
        "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "OUTPUT_PATH": str(folder / "output"),
        "POPULAR_POSTS_SOURCES": [str(folder / "access.log")],
        "POPULAR_POSTS_TODAY": TODAY.isoformat(),
    }
    for name, extra in (("pelicanconf.py", {}), ("publishconf.py", production)):
        lines = [f"{key} = {value!r}" for key, value in {**common, **extra}.items()]
        shipped = (ROOT / name).read_text(encoding="utf-8")
        (folder / name).write_text(shipped + "\n".join(lines) + "\n", encoding="utf-8")
    return folder / "publishconf.py"


def written_page(settings: Path | None, output: Path, env: dict | None = None) -> tuple:
    """`pathways stats` with `settings`, or in `output`'s folder without."""
    chosen = ["--settings", str(settings)] if settings else []
    result = run_pathways(
        "stats", *chosen, "--no-open", "--output", str(output), env=env, cwd=output.parent
    )
    assert result.returncode == 0, result.stderr
    return result, BeautifulSoup(output.read_text(encoding="utf-8"), "html.parser")


def referrer_tables(page: BeautifulSoup) -> dict[int, list[tuple[str, int]]]:
    return {
        int(table["data-days"]): [
            (text(row.th), int(text(row.td))) for row in table.tbody.find_all("tr")
        ]
        for table in page.find_all("table", class_="referrers")
    }


@pytest.mark.build
def test_the_servers_counts_are_read_with_the_logs_and_its_sites_from_its_first_day(tmp_path):
    settings = one_post_blog(tmp_path)
    data = tmp_path / "content" / "data"
    data.mkdir()
    (data / "server-views.csv").write_text("path,date,views\n/posts/alpha/,2026-11-19,4\n")
    (data / "server-sites.csv").write_text(
        "date,site,views\n2026-11-15,news.ycombinator.com,3\n2026-11-19,Google,2\n"
        "2026-11-19,evil.example,many\n"
    )
    _, page = written_page(settings, tmp_path / "stats.html")
    days = {label: views for label, views in chart_table(page, "days").items() if views}
    assert days == {
        day_label(date(2026, 11, 5)): 2,
        day_label(date(2026, 11, 18)): 1,
        day_label(date(2026, 11, 19)): 4,
    }
    assert "data/server-views.csv" in text(page.find(id="counting").parent)
    # From the server's first day (the 15th) its sites; before it, the laptop's logs'.
    assert referrer_tables(page) == {
        7: [("news.ycombinator.com", 3), ("Google", 2)],
        30: [("news.ycombinator.com", 3), ("Bing", 2), ("Google", 2)],
    }
    problems = text(page.find("ul", class_="problems"))
    assert f"{data / 'server-sites.csv'}: row 4 is not counts" in problems
    assert "evil.example" not in text(page.find(id="referrers").parent)


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.server
def test_stats_fetch_the_servers_counts_and_subscribers_and_say_when_they_cannot(tmp_path, browser):
    port = free_port()
    token = {"PATHWAYS_MODERATION_TOKEN": "a-token-of-the-writer"}
    # A laptop's blog whose production settings name the comment service: `pathways stats`
    # in its folder uses them.
    settings = laptop_blog(
        tmp_path,
        COMMENTS_ENDPOINT=f"http://127.0.0.1:{port}",
        COMMENTS_DB=str(tmp_path / "server" / "comments.sqlite3"),
        COMMENTS_SMTP={"host": "127.0.0.1", "port": free_port(), "from": "blog@example.org"},
        FOLLOW_EMAIL=True,
    )
    (tmp_path / "server").mkdir()
    store = DailyCounts(tmp_path / "server" / "views.sqlite3")
    with sqlite3.connect(store.path) as db:
        db.execute("INSERT INTO post_views VALUES ('/posts/alpha', '2026-11-19', 4)")
        db.execute("INSERT INTO referring_sites VALUES ('Google', '2026-11-19', 3)")
    export = tmp_path / "subscribed_members_export.csv"
    export.write_text(
        '"Email Address","CONFIRM_TIME"\n"dan@example.net","2021-02-03 10:05:00"\n'
        '"erin@example.net","2021-03-03 10:06:00"\n"fay@example.net","2026-11-02 09:00:00"\n',
        encoding="utf-8",
    )
    output = tmp_path / "stats.html"
    with running_service(settings, None, port=port, env=token):
        imported = run_pathways(
            "subscribers", "--settings", str(settings), "import", str(export), env=token
        )
        assert "3 subscriber(s) added" in imported.stdout, imported.stderr
        result, page = written_page(None, output, env=token)
    assert "Fetched the server's view counts: 1 row(s) into" in result.stdout
    assert chart_table(page, "days")[day_label(date(2026, 11, 19))] == 4
    # The server's 3 on the 19th, and the laptop's log's one on the 18th, before its first day.
    assert referrer_tables(page) == {7: [("Google", 4)], 30: [("Google", 4), ("Bing", 2)]}
    months = {label: n for label, n in chart_table(page, "subscribers").items() if n}
    assert months == {"February 2021": 1, "March 2021": 1, "November 2026": 1}
    assert next(iter(chart_table(page, "subscribers"))) == "February 2021"
    top, drawn = bars(page, "subscribers")
    assert [value for value, _, _ in drawn] == list(chart_table(page, "subscribers").values())
    assert top == 1 and "3 readers follow by e-mail" in text(page.find(id="subscribers").parent)
    assert "example.net" not in output.read_text(encoding="utf-8")
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 900}, color_scheme=scheme)
        shown = context.new_page()
        shown.goto(output.as_uri())
        assert_fits_and_passes_axe(shown, 375)
        context.close()

    # The service is gone: the page is written from what the blog has, and says what it lacks.
    result, page = written_page(None, output, env=token)
    assert "The server's view counts could not be fetched" in result.stderr
    assert "The subscribers could not be fetched" in result.stderr
    assert chart_table(page, "days")[day_label(date(2026, 11, 19))] == 4
    assert page.find("table", attrs={"data-chart": "chart-subscribers"}) is None
    assert "No subscriber counts: the comment service could not be asked" in text(
        page.find(id="subscribers").parent
    )
