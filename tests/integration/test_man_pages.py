#!/usr/bin/env python3
"""The man pages meson builds and installs: each renders without a warning, is exactly
what the generator prints, is installed under mandir/man5 or man8, and documents every
key `dnsd --keys` / `sentinel keys` lists and every option and subcommand the CLIs' --help
shows."""
import json
import os
import re
import subprocess
import unittest

from dnsd_harness import main, require

BUILD = os.environ.get("MESON_BUILD_ROOT", "")
MAN_DIR = os.path.join(BUILD, "man")
PAGES = ["dnsd.8", "sentinel.8", "dnsdctl.8", "dnsd.toml.5", "sentinel.toml.5"]


def run(*args, env=None):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, env=env)


def built(page):
    with open(os.path.join(MAN_DIR, page), encoding="utf-8") as f:
        return f.read()


def rendered(page):
    env = dict(os.environ, MANWIDTH="200")
    return run("man", "-E", "UTF-8", "-l", os.path.join(MAN_DIR, page), env=env).stdout


def help_options(*cmd):
    """Every long option (--config) that `cmd --help` lists, and the subcommands."""
    out = run(*cmd, "--help").stdout
    options = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", out))
    subcommands = set()
    if "SUBCOMMANDS:" in out.upper():
        tail = out[out.upper().index("SUBCOMMANDS:"):].splitlines()[1:]
        subcommands = {line.split()[0] for line in tail if line.startswith("  ") and line.split()}
    return options, subcommands


class ManPages(unittest.TestCase):
    def test_each_page_renders_without_warnings(self):
        env = dict(os.environ, MANWIDTH="80")
        for page in PAGES:
            with self.subTest(page=page):
                r = run("man", "--warnings", "-E", "UTF-8", "-l", os.path.join(MAN_DIR, page),
                        env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                self.assertIn("NAME", r.stdout)

    def test_the_installed_page_is_the_generated_one(self):
        args = json.loads(os.environ["MAN_ARGS"])
        for page in PAGES:
            with self.subTest(page=page):
                r = run(os.environ["MAN_GEN"], *args, "--print", page)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(built(page), r.stdout, "the built page is stale")

    def test_meson_installs_them_under_mandir(self):
        r = run("meson", "introspect", "--installed", BUILD)
        self.assertEqual(r.returncode, 0, r.stderr)
        installed = json.loads(r.stdout)
        mandir = os.environ["MANDIR"]
        for page in PAGES:
            with self.subTest(page=page):
                dest = installed.get(os.path.join(MAN_DIR, page))
                self.assertIsNotNone(dest, "not installed")
                self.assertTrue(dest.endswith(os.path.join(mandir, "man" + page[-1], page)), dest)

    def test_every_listed_key_has_its_entry(self):
        for cmd, page in (([os.environ["DNSD"], "--keys"], "dnsd.toml.5"),
                          ([os.environ["SENTINEL"], "keys"], "sentinel.toml.5")):
            r = run(*cmd)
            self.assertEqual(r.returncode, 0, r.stderr)
            keys = [line.split()[0] for line in r.stdout.splitlines()]
            self.assertGreater(len(keys), 30)
            roff, text = built(page), rendered(page)
            for key in keys:
                with self.subTest(page=page, key=key):
                    self.assertTrue(".TP\n.B %s\n" % key.replace("-", "\\-") in roff,
                                    "no .TP entry for %s in %s" % (key, page))
                    self.assertRegex(text, r"\n\s+%s\n" % re.escape(key))

    def test_every_cli_option_and_subcommand_is_documented(self):
        for cmd, page in (([os.environ["DNSD"]], "dnsd.8"),
                          ([os.environ["DNSDCTL"]], "dnsdctl.8"),
                          ([os.environ["SENTINEL"]], "sentinel.8")):
            options, subcommands = help_options(*cmd)
            text = rendered(page)
            self.assertTrue(options, "no options parsed from --help")
            for opt in options:
                with self.subTest(page=page, option=opt):
                    self.assertIn(opt, text)
            for sub in subcommands:
                with self.subTest(page=page, subcommand=sub):
                    self.assertRegex(text, r"\n\s+%s\b" % re.escape(sub))
                    sub_options, _ = help_options(*cmd, sub)
                    for opt in sub_options:
                        self.assertIn(opt, text)
        self.assertIn("keys", help_options(os.environ["SENTINEL"])[1])


if __name__ == "__main__":
    require(["man", "meson"])
    main()
