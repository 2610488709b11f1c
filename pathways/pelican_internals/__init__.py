"""Everything the site's code relies on in Pelican beyond its documented API, in one place.

Plugins and the preview use Pelican's plugin signals and settings as documented; where they
need more (the HTML a post holds before Pelican fills in its links, how the writer is called,
the lists generators keep content in, a message Pelican logs), they ask this package, and
`tests/test_pelican_internals.py` states each fact it relies on, one test each. After a
Pelican upgrade, a failing test there names the fact that changed and the code to adapt,
before the site's output silently changes.

Supported: Pelican 4.12 (the version `requirements.txt` pins and the tests run against).

- `content`: a post's or page's HTML as read (`_content`) and its `{filename}` links.
- `writer`: the arguments of `Writer.write_file` and `write_feed` by name, and the template
  variables that hold the post or page a page shows.
- `generators`: the lists generators keep content in, how a post's page is written (as
  `ArticlesGenerator.generate_articles` does), and the readers' content cache.
- `log`: the message Pelican logs for a source it could not read.
"""
