"""`pathways publish` (`make publish`): build for production, check, then deploy."""

import argparse
import smtplib
import sys
from email.message import EmailMessage
from pathlib import Path

from pathways.comments.credentials import smtp_settings
from pathways.comments.model import CommentError
from pathways.comments.moderator import pull_before_publish
from pathways.comments.notify import send_mail
from pathways.site.build import BuildError, build_site, init_logging, load_settings
from pathways.site.checks import check_site, vnu_for
from pathways.site.deploy import DeployError, deploy
from pathways.site.deploy_config import deploy_problems
from pathways.site.problems import report
from pathways.site.setting_typos import likely_typos
from pathways.views.pull import counts_before_publish


def protected_folders(settings: dict, settings_file: Path) -> tuple[Path, ...]:
    """What a folder deploy must never replace: the project, its content and its build."""
    return (settings_file.resolve().parent, Path(settings["PATH"]), Path(settings["OUTPUT_PATH"]))


NOT_PULLED = "{} could not be fetched from the comment service"
# What `make publish` fetches first (comments, then the server's view counts), what each is
# called, and what the site lacks without it.
PULLS = (
    ("Comments", pull_before_publish, "new comments", "Comments approved since the last publish"),
    (
        "The server's view counts",
        counts_before_publish,
        "the latest view counts",
        "Popular Posts' views since the last publish",
    ),
)


def tell_writer(
    settings: dict, problem: str, published: bool, missing: tuple[str, str] = PULLS[0][2:]
) -> str:
    """E-mail the writer (COMMENTS_SMTP) that a scheduled publish went out without the
    comments or the counts (`missing`: what it went out without, and what is not on the site)
    (or did not go out either); returns what was done, for the log."""
    smtp = settings.get("COMMENTS_SMTP") or {}
    if not smtp.get("host") or not smtp.get("to"):
        return "No e-mail sent (COMMENTS_SMTP has no host and to)."
    blog = settings.get("SITENAME", "Your blog")
    without, absent = missing
    message = EmailMessage()
    if published:
        message["Subject"] = f"{blog}: published without {without}"
        outcome = "The scheduled publish deployed what is in the repository"
    else:
        message["Subject"] = f"{blog}: not published"
        outcome = "The scheduled publish failed (its log says why)"
    message.set_content(
        f"{outcome}, and:\n\n{problem}\n\n{absent} are not on the site yet. "
        "Fix the problem, then run `make publish`.\n"
    )
    try:
        send_mail(smtp_settings(smtp), message)
    except (OSError, smtplib.SMTPException) as error:
        return f"The e-mail to {smtp['to']} could not be sent: {error}"
    return f"E-mailed {smtp['to']} about it."


def run(args: argparse.Namespace, settings_file: Path) -> int:
    init_logging()
    settings = load_settings(settings_file)
    problem = missing = None
    for what, pull, *lacking in () if args.no_pull else PULLS:
        try:
            pulled = pull(settings, settings_file)
        except CommentError as error:
            if not args.scheduled:
                print(
                    f"{what} not fetched: {error}\nNothing was published. To publish "
                    "without fetching them: make publish PUBLISH_FLAGS=--no-pull",
                    file=sys.stderr,
                )
                return 1
            problem, missing = f"{NOT_PULLED.format(what)}: {error}", tuple(lacking)
            print(f"{problem}\nPublishing what is in the repository.")
            break
        if pulled:
            print(pulled)
    status = publish(args, settings, settings_file)
    if problem is None:
        return status
    print(problem, file=sys.stderr)
    print(tell_writer(settings, problem, status == 0, missing), file=sys.stderr)
    return 1


def publish(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    """Build, check and deploy; the exit status."""
    config = settings["DEPLOY"]
    problems = deploy_problems(config, protected_folders(settings, settings_file))
    if not config and isinstance(config, dict):
        typos = [name for name, known in likely_typos(settings).items() if known == "DEPLOY"]
        hint = f" ({', '.join(typos)} is set: did you mean DEPLOY?)" if typos else ""
        problems = [
            f"no DEPLOY target is set{hint}, so there is nowhere to publish to (see the "
            "README, Publishing); `make check` builds and checks the site without deploying"
        ]
    if problems:
        for problem in problems:
            print(f"{settings_file.name}: {problem}", file=sys.stderr)
        print("Nothing was built or published.", file=sys.stderr)
        return 1
    try:
        output = build_site(settings_file, production=True)
    except BuildError as error:
        print(f"Build failed: {error}\nNothing was published.", file=sys.stderr)
        return 1
    if settings["PUBLISH_CHECK"] and not args.no_check:
        problems = check_site(output, settings, vnu_for(settings_file), settings_file=settings_file)
        if report(problems, output):
            print("Not published: fix the problems above and publish again.", file=sys.stderr)
            return 1
        print(f"All checks passed ({sum(1 for _ in output.rglob('*.html'))} pages).")
    try:
        print(deploy(output, config))
    except (DeployError, OSError) as error:
        print(f"Deploy failed: {error}", file=sys.stderr)
        return 1
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    publish = commands.add_parser("publish", help="build for production, check, deploy")
    publish.add_argument("--settings", help="settings file (default: publishconf.py)")
    publish.add_argument("--no-check", action="store_true", help="deploy without the checks")
    publish.add_argument(
        "--scheduled",
        action="store_true",
        help="for a timer: when comments cannot be fetched, publish anyway, then fail and "
        "e-mail the writer (COMMENTS_SMTP)",
    )
    publish.add_argument(
        "--no-pull",
        action="store_true",
        help="do not fetch comments approved on the comment service first",
    )
    publish.set_defaults(publish=True)
    return publish
