"""The docs stay inside the repository: every link in README.md and docs/*.md is relative
and points at a file (and, with #anchor, a heading) that exists; nothing links outside."""
import glob
import os
import re
import unittest

import dnsd_harness

SRCDIR = dnsd_harness.SRCDIR
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|<(https?://[^>]+)>")


def anchors(path):
    """GitHub-style anchors of the headings of a markdown file."""
    out = set()
    with open(path) as f:
        for line in f:
            m = re.match(r"#+\s+(.*)", line)
            if m:
                a = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
                out.add(a)
    return out


def pages():
    return [os.path.join(SRCDIR, "README.md")] + sorted(glob.glob(os.path.join(SRCDIR, "docs", "*.md")))


class DocsLinks(unittest.TestCase):
    def test_every_link_stays_in_the_repository_and_resolves(self):
        for page in pages():
            text = open(page).read()
            for m in LINK.finditer(text):
                target = m.group(1) or m.group(2)
                with self.subTest(page=os.path.relpath(page, SRCDIR), link=target):
                    self.assertNotRegex(target, r"^[a-z]+:", "links outside the repository")
                    path, _, anchor = target.partition("#")
                    full = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
                    self.assertTrue(full.startswith(os.path.normpath(SRCDIR)), "outside the checkout")
                    self.assertTrue(os.path.exists(full), "no such file")
                    if anchor and full.endswith(".md"):
                        self.assertIn(anchor, anchors(full), "no such heading")

    def test_the_readme_links_every_docs_page(self):
        readme = open(os.path.join(SRCDIR, "README.md")).read()
        for page in pages()[1:]:
            self.assertIn("(docs/%s)" % os.path.basename(page), readme)

    def test_the_config_reference_is_what_the_key_tables_say(self):
        gen = os.path.join(os.environ.get("MESON_BUILD_ROOT", "build"), "man", "dnsgtm-man")
        if not os.path.exists(gen):
            self.skipTest("%s is not built" % gen)
        import shutil
        import subprocess
        import tempfile
        work = tempfile.mkdtemp(prefix="docs-it-")
        try:
            for d in ("scripts", "docs"):
                os.makedirs(os.path.join(work, d))
            shutil.copy(os.path.join(SRCDIR, "scripts", "config-reference"), os.path.join(work, "scripts"))
            r = subprocess.run([os.path.join(work, "scripts", "config-reference"),
                                os.path.dirname(os.path.dirname(gen))], capture_output=True, text=True,
                               timeout=30, cwd=work)
            self.assertEqual(r.returncode, 0, r.stderr)
            want = open(os.path.join(work, "docs", "config-reference.md")).read()
        finally:
            shutil.rmtree(work, ignore_errors=True)
        have = open(os.path.join(SRCDIR, "docs", "config-reference.md")).read()
        self.assertEqual(have, want, "docs/config-reference.md is stale: run scripts/config-reference")


if __name__ == "__main__":
    dnsd_harness.main()
