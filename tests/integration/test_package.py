#!/usr/bin/env python3
"""The Debian packaging (debian/) against what `meson install` puts out, without a package
build: every path a debian/*.install file names is installed, every installed file goes to
exactly one package (or debian/not-installed: dh_missing fails the package build otherwise),
the units start the installed binaries, `systemd-analyze verify` accepts them, and the
sysusers.d files make the users the units run as. scripts/package does the real build."""
import configparser
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

from dnsd_harness import main, temp_dir

SRC = Path(os.environ["SRCDIR"])
BUILD = Path(os.environ["MESON_BUILD_ROOT"])
DEBIAN = SRC / "debian"
PACKAGES = ["dnsgtm-dnsd", "dnsgtm-sentinel"]
UNITS = {"dnsd.service": "dnsgtm-dnsd", "sentinel.service": "dnsgtm-sentinel"}


def config_lines(path):
    """The entries of a debhelper config file: words of each line, no comments or blanks."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line.split() for line in lines if line and not line.startswith("#")]


def install_sources(package):
    """The source patterns of debian/<package>.install (with 2+ words the last is the
    destination, as dh_install reads it)."""
    entries = []
    for words in config_lines(DEBIAN / (package + ".install")):
        entries += words[:-1] if len(words) > 1 else words
    return entries


def man_pages(package):
    """debian/rules' MAN.<package> list: the man pages that package takes when meson
    installs them."""
    rules = (DEBIAN / "rules").read_text()
    m = re.search(r"^MAN\.%s\s*:=(.*)$" % re.escape(package), rules, re.M)
    return m.group(1).split() if m else []


def claims(pattern, path):
    """Whether a debhelper pattern (a glob, or a directory taking all below it) names path."""
    return fnmatch.fnmatchcase(path, pattern) or path.startswith(pattern.rstrip("/") + "/")


def build_options():
    out = subprocess.run(["meson", "introspect", "--buildoptions", str(BUILD)],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    return {o["name"]: o["value"] for o in json.loads(out)}


class PackageLayout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        opts = build_options()
        cls.prefix = opts["prefix"]
        cls.bindir = os.path.join(cls.prefix, opts["bindir"])
        cls.custom_dirs = [k for k in ("systemd_unit_dir", "sysusers_dir") if opts.get(k)]
        cls.destdir = Path(temp_dir("dnsgtm-package-"))
        subprocess.run(["meson", "install", "-C", str(BUILD), "--no-rebuild", "--quiet",
                        "--destdir", str(cls.destdir)],
                       check=True, capture_output=True, text=True, timeout=120)
        # Every installed file by its path as the package build sees it in debian/tmp.
        cls.files = {}
        for path in cls.destdir.rglob("*"):
            if path.is_file() or path.is_symlink():
                absolute = "/" + str(path.relative_to(cls.destdir))
                cls.files[cls.debian_path(absolute)] = path

    @classmethod
    def debian_path(cls, absolute):
        """An installed path as it is under debian/tmp, where the build has prefix /usr:
        <prefix>/X is usr/X, but the units' directory is /lib/systemd/system there (the
        systemd.pc of Debian 12; conf/meson.build uses <prefix>/lib/systemd/system for
        other prefixes)."""
        if cls.prefix == "/usr":
            return absolute.lstrip("/")
        rel = os.path.relpath(absolute, cls.prefix)
        if rel.startswith("lib/systemd/system/"):
            return rel
        return "usr/" + rel

    def setUp(self):
        if self.custom_dirs:
            self.skipTest("this build sets %s: the layout differs from the package build's"
                          % ", ".join(self.custom_dirs))

    def test_every_install_entry_names_installed_files(self):
        for package in PACKAGES:
            sources = install_sources(package)
            self.assertTrue(sources, "debian/%s.install lists nothing" % package)
            for pattern in sources:
                with self.subTest(package=package, entry=pattern):
                    self.assertTrue(any(claims(pattern, f) for f in self.files),
                                    "debian/%s.install names %s, which meson does not "
                                    "install (installed: %s)"
                                    % (package, pattern, ", ".join(sorted(self.files))))

    def test_every_installed_file_goes_to_exactly_one_package(self):
        claimants = {p: install_sources(p) + man_pages(p) for p in PACKAGES}
        claimants["debian/not-installed"] = [w for ws in config_lines(DEBIAN / "not-installed")
                                             for w in ws]
        for path in sorted(self.files):
            with self.subTest(path=path):
                owners = [who for who, patterns in claimants.items()
                          if any(claims(p, path) for p in patterns)]
                self.assertEqual(len(owners), 1,
                                 "%s is claimed by %s: meson installs it, so exactly one of "
                                 "debian/<package>.install, debian/rules' MAN.<package> or "
                                 "debian/not-installed must name it"
                                 % (path, owners or "nothing"))

    def test_each_package_gets_its_programs_unit_and_users(self):
        expected = {
            "dnsgtm-dnsd": ["usr/bin/dnsd", "usr/bin/dnsdctl", "lib/systemd/system/dnsd.service",
                            "usr/lib/sysusers.d/dnsd.conf"],
            "dnsgtm-sentinel": ["usr/bin/sentinel", "lib/systemd/system/sentinel.service",
                                "usr/lib/sysusers.d/sentinel.conf"],
        }
        for package, paths in expected.items():
            for path in paths:
                with self.subTest(package=package, path=path):
                    self.assertIn(path, self.files, "meson does not install %s" % path)
                    self.assertTrue(any(claims(p, path) for p in install_sources(package)),
                                    "debian/%s.install does not take %s" % (package, path))

    def test_rules_hand_each_installed_man_page_to_its_package(self):
        if not shutil.which("make"):
            self.skipTest("needs make")
        # debian/rules' override_dh_install as make expands it over a debian/tmp holding
        # this install's man pages (none until meson installs them: then only its syntax).
        work = Path(temp_dir("dnsgtm-rules-"))
        pages = [p for p in self.files if p.startswith("usr/share/man/")]
        for page in pages:
            (work / "debian" / "tmp" / page).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(self.files[page], work / "debian" / "tmp" / page)
        r = subprocess.run(["make", "-s", "-n", "-f", str(DEBIAN / "rules"),
                            "override_dh_install"], cwd=work, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, "make -n override_dh_install:\n" + r.stderr)
        calls = re.findall(r"dh_install -p(\S+) (\S+)", r.stdout)
        for page in pages:
            with self.subTest(page=page):
                wanted = [p for p in PACKAGES if page in man_pages(p)]
                self.assertEqual([pkg for pkg, f in calls if f == page], wanted, r.stdout)

    def units(self):
        found = {name: self.files.get("lib/systemd/system/" + name) for name in UNITS}
        for name, path in found.items():
            self.assertIsNotNone(path, "meson does not install %s" % name)
        return found

    def commands(self, unit_path, keys=("ExecStartPre", "ExecStart")):
        for line in unit_path.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() in keys:
                yield key.strip(), value.split()[0].lstrip("-@+!:")

    def test_units_start_the_installed_binaries(self):
        for name, path in self.units().items():
            cmds = list(self.commands(path))
            self.assertIn("ExecStart", [k for k, _ in cmds], "%s has no ExecStart=" % name)
            for key, program in cmds:
                with self.subTest(unit=name, key=key):
                    self.assertEqual(os.path.dirname(program), self.bindir,
                                     "%s %s=%s is not in this build's bindir %s"
                                     % (name, key, program, self.bindir))
                    installed = self.destdir / program.lstrip("/")
                    self.assertTrue(os.access(installed, os.X_OK),
                                    "%s %s=%s: not installed" % (name, key, program))

    def test_systemd_analyze_verify_accepts_the_units(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("needs systemd-analyze")
        work = Path(temp_dir("dnsgtm-units-"))
        man_dir = self.destdir / self.prefix.lstrip("/") / "share" / "man"
        for name, path in self.units().items():
            with self.subTest(unit=name):
                # The binaries are in the destdir, not at the unit's paths on this machine:
                # point the copy at them so verify checks what would run.
                text = path.read_text().replace(self.bindir + "/",
                                                str(self.destdir) + self.bindir + "/")
                unit = work / name
                unit.write_text(text)
                # verify checks Documentation=man: pages with man(1), in the installed ones
                # (--man=no until meson installs man pages).
                has_man = man_dir.is_dir() and any(man_dir.rglob("*.[58]*"))
                env = dict(os.environ, MANPATH=str(man_dir), SYSTEMD_LOG_LEVEL="notice")
                r = subprocess.run(["systemd-analyze", "verify",
                                    "--man=" + ("yes" if has_man else "no"), str(unit)],
                                   capture_output=True, text=True, timeout=60, env=env)
                self.assertEqual(r.returncode, 0, "systemd-analyze verify %s:\n%s%s"
                                 % (name, r.stdout, r.stderr))

    def test_sysusers_files_make_the_users_the_units_run_as(self):
        if not shutil.which("systemd-sysusers"):
            self.skipTest("needs systemd-sysusers")
        for name, path in self.units().items():
            with self.subTest(unit=name):
                unit = configparser.ConfigParser(strict=False, interpolation=None)
                unit.optionxform = str
                unit.read_string(path.read_text())
                user = unit["Service"]["User"]
                sysusers = self.files.get("usr/lib/sysusers.d/%s.conf" % user)
                self.assertIsNotNone(sysusers, "no sysusers.d/%s.conf for %s's User=%s"
                                     % (user, name, user))
                root = Path(temp_dir("dnsgtm-sysusers-"))
                (root / "etc").mkdir()
                subprocess.run(["systemd-sysusers", "--root", str(root), str(sysusers)],
                               check=True, capture_output=True, text=True, timeout=60)
                passwd = (root / "etc" / "passwd").read_text().splitlines()
                entry = [line.split(":") for line in passwd if line.startswith(user + ":")]
                self.assertTrue(entry, "%s did not make the user %s" % (sysusers, user))
                # The home is the StateDirectory= the unit gets (and the package's postinst
                # makes), a system uid, no login shell.
                self.assertEqual(entry[0][5], "/var/lib/" + unit["Service"]["StateDirectory"])
                self.assertLess(int(entry[0][2]), 1000)
                self.assertTrue(entry[0][6].endswith("nologin"), entry[0])


if __name__ == "__main__":
    sys.exit(main())
