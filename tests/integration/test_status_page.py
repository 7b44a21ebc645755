"""sentinel's status page in headless Chromium: a real cluster, the page loaded once, its
DOM read through the DevTools protocol (over --remote-debugging-pipe: no websocket module
needed). It shows the master and every node's state; after the master's dnsd and tunnel are
killed, the page's own refresh shows the new master (the same document, never reloaded).
Hostile node names and probe details from a stand-in server stay text. The screenshot is
kept in the build dir (meson-logs/status_page.png)."""
import fcntl
import http.server
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import dnsd_harness
from dnsd_harness import failed, stop_process
from sentinel_harness import Cluster, free_tcp_port, wait_until

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Everything the test reads from the page, as one JSON string ("null" while it loads:
# until the parser is done, the elements after #refresh may not exist yet).
READ_PAGE = """document.readyState === 'loading' || !document.getElementById('refresh') ? 'null' : JSON.stringify({
  master: document.getElementById('master').dataset.master,
  refreshes: Number(document.getElementById('refresh').dataset.refreshes),
  ok: document.getElementById('refresh').dataset.ok,
  marker: window.__loaded_once || null,
  epoch: document.getElementById('epoch').textContent,
  failover: document.getElementById('failover-mode').textContent,
  published: document.getElementById('published').textContent,
  budget: document.getElementById('budget').textContent,
  coordination: document.getElementById('coordination').textContent,
  measured: document.getElementById('last-failover-seconds').textContent,
  within: document.getElementById('last-failover-seconds').dataset.within,
  stateFileError: document.getElementById('state-file-error').hidden ? null
                  : document.getElementById('state-file-error').textContent,
  nodes: [...document.querySelectorAll('#nodes tr')].map(tr => Object.assign({}, tr.dataset,
           {checks: [...tr.querySelectorAll('.check')].map(c => c.textContent)})),
  events: [...document.querySelectorAll('#events tr')].map(tr => [tr.dataset.event, tr.dataset.node]),
  injected: document.querySelectorAll('#nodes img, #nodes script, #events b').length,
  pwned: window.__pwned || null
})"""


class Chromium:
    """Headless Chromium driven over the DevTools pipe (fd 3: commands in, fd 4: replies
    out, each message JSON ending in NUL). Stopped by its PID."""

    def __init__(self, workdir):
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
        self.log_path = os.path.join(workdir, "chromium.log")
        self.log = open(self.log_path, "w")
        cmd_r, self.cmd_w = os.pipe()
        self.out_r, out_w = os.pipe()

        def as_fd3_fd4():  # in the child: the pipe ends where Chromium expects them
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(out_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
                "--window-size=1280,900", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-dev-shm-usage", "--no-proxy-server",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows", "--hide-scrollbars", "about:blank"]
        # close_fds=False: only inheritable fds pass, i.e. 0-2 and the two made by dup2.
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, close_fds=False,
                                     preexec_fn=as_fd3_fd4)
        os.close(cmd_r)
        os.close(out_w)
        self.buf = b""
        self.next_id = 0

    def call(self, method, params=None, session=None, timeout=20):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.cmd_w, data):]
        deadline = time.time() + timeout
        while True:
            reply = self._read(deadline, method)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})

    def _read(self, deadline, what):
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("chromium did not answer %s in time" % what)
            ready, _, _ = select.select([self.out_r], [], [], left)
            if ready:
                chunk = os.read(self.out_r, 1 << 16)
                if not chunk:
                    raise AssertionError("chromium exited: " + self.read_log()[-3000:])
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def open(self, url):
        """A new tab on `url`; returns its session id."""
        target = self.call("Target.createTarget", {"url": url}, timeout=30)["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900,
                                                         "deviceScaleFactor": 1, "mobile": False},
                  session)
        return session

    def evaluate(self, session, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        if "exceptionDetails" in r:
            raise AssertionError("page script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def screenshot(self, session, path):
        import base64
        png = self.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        try:
            if self.proc.poll() is None:
                self.call("Browser.close", timeout=5)
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stop_process(self.proc, 5)
        for fd in (self.cmd_w, self.out_r):
            os.close(fd)
        self.log.close()


def artefact_path(name):
    root = os.environ.get("MESON_BUILD_ROOT")
    folder = os.path.join(root, "meson-logs") if root else tempfile.gettempdir()
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)


class StatusPage(unittest.TestCase):
    """One cluster and one Chromium for both tests (start-up is the slow part)."""

    @classmethod
    def setUpClass(cls):
        cls.c = Cluster(interval="200ms", fall=2)
        cls.browser = Chromium(cls.c.dir)  # starts while the cluster comes up
        cls.servers = []
        try:
            cls.c.start()
        except Exception:
            cls.tearDownClass()
            raise
        cls.base = "http://%s:%d" % (cls.c.api_host, cls.c.api_port)

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers:
            srv.shutdown()
            srv.server_close()
        cls.browser.stop()
        cls.c.stop()

    def tearDown(self):
        if failed(self):
            print("---- sentinel log ----\n" + self.c.read_log()[-4000:])
            print("---- chromium log ----\n" + self.browser.read_log()[-2000:])

    def read(self, session):
        return json.loads(self.browser.evaluate(session, READ_PAGE))

    def wait_page(self, session, pred, timeout, what):
        last = {}

        def check():
            last["page"] = self.read(session)
            return last["page"] is not None and pred(last["page"])
        try:
            wait_until(check, timeout, step=0.2, what=what)
        except AssertionError:
            raise AssertionError("the page never showed %s; last: %s" % (what, last.get("page")))
        return last["page"]

    def test_page_shows_the_cluster_and_follows_a_failover_without_reload(self):
        c = self.c
        with open(os.path.join(c.dir, "api.token")) as f:
            token = f.read().strip()
        # Served without the token, never cached, and the token is in neither.
        with urllib.request.urlopen(self.base + "/", timeout=10) as r:
            self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
            self.assertEqual(r.headers["Cache-Control"], "no-store")
            html = r.read().decode()
        with urllib.request.urlopen(self.base + "/status.json", timeout=10) as r:
            data = r.read().decode()
        self.assertNotIn(token, html + data)
        self.assertEqual(json.loads(data)["status"]["master"], "lb1")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(self.base + "/v1/status", timeout=10)
        self.assertEqual(e.exception.code, 401)

        session = self.browser.open(self.base + "/")
        page = self.wait_page(session, lambda p: p.get("master") == "lb1" and len(p.get("nodes", [])) == 3 and
                              all(n.get("health") == "up" for n in p["nodes"]), 20,
                              "master lb1 and three healthy nodes")
        roles = {n["node"]: (n["role"], n["health"], n["service"]) for n in page["nodes"]}
        self.assertEqual(roles, {"lb1": ("master", "up", "in service"),
                                 "lb2": ("replica", "up", "in service"),
                                 "lb3": ("replica", "up", "in service")})
        self.assertEqual(page["failover"], "auto")
        self.assertIn("published on 3/3", page["published"])
        # Budget: 200ms x fall 2 + 200ms, driver_timeout 2s, publish 2 x 1s.
        self.assertIn("detect ≤ 0.6 s", page["budget"])
        self.assertIn("= 4.6 s", page["budget"])
        self.assertIsNone(page["stateFileError"])
        self.assertEqual(page["coordination"], "single sentinel (no [coordination]): it decides alone")
        for n in page["nodes"]:
            self.assertTrue(any(ck.startswith("dns up: last ok") for ck in n["checks"]), n)
            self.assertTrue(any(ck.startswith("http up: last ok") for ck in n["checks"]), n)
        self.browser.evaluate(session, "window.__loaded_once = 'yes'")  # gone on any reload

        # The master's dnsd and tunnel die.
        c.node("lb1").kill()
        c.tunnels["lb1"].stop()
        st = c.wait_status(lambda st: st.get("master") == "lb2" and not st.get("busy") and
                           st.get("last_failover_seconds") is not None, 15, "failover to lb2")
        self.assertLess(st["last_failover_seconds"], 4.0)  # promote + publish budget
        seen = self.read(session).get("refreshes", 0)
        page = self.wait_page(session, lambda p: p.get("master") == "lb2" and p.get("within", "") != "" and
                              p.get("refreshes", 0) > seen, 10, "master lb2 after the failover")
        self.assertEqual(page["marker"], "yes", "the page was reloaded: it must refresh itself")
        self.assertEqual(page["ok"], "true")
        nodes = {n["node"]: n for n in page["nodes"]}
        self.assertEqual((nodes["lb2"]["role"], nodes["lb2"]["health"]), ("master", "up"))
        self.assertEqual(nodes["lb1"]["health"], "down")
        self.assertEqual(nodes["lb1"]["service"], "out of service")
        self.assertNotEqual(nodes["lb1"]["role"], "master")
        self.assertEqual(page["epoch"], "2")
        self.assertIn("published on 2/3", page["published"])
        self.assertRegex(page["measured"], r"^\d+\.\d\d s from the detected \+down to the publish")
        self.assertEqual(page["within"], "true", page["measured"])
        # The timeline, newest first: the switch comes before the +down that caused it.
        events = page["events"]
        self.assertIn(["+switch-master", "lb2"], events)
        self.assertLess(events.index(["+switch-master", "lb2"]), events.index(["+down", "lb1"]))
        self.assertLessEqual(len(events), 50)
        shot = artefact_path("status_page.png")
        self.browser.screenshot(session, shot)
        self.assertGreater(os.path.getsize(shot), 10000)
        print("status page screenshot after the failover: " + shot, flush=True)

    def test_hostile_names_and_details_stay_text(self):
        """The real page, fed by a stand-in /status.json whose node name, check detail and
        state-file error are HTML: rendered as text, nothing injected, nothing run."""
        with urllib.request.urlopen(self.base + "/", timeout=10) as r:
            html = r.read()
        evil_name = '<img src=x onerror="window.__pwned=1">'
        evil_detail = "<script>window.__pwned=2</script>refused"
        feed = {"status": {"id": "s1", "zone": "api.example.test", "epoch": 3, "master": evil_name,
                           "failover": "manual", "pending": None, "busy": False,
                           "published": "published on 1/1", "waiting": "<b>master</b> is down",
                           "state_file_error": "No space <b>left</b>",
                           "nodes": [{"name": evil_name, "priority": 0, "role": "master-down",
                                      "health": "down", "in_service": False, "drained": False,
                                      "damped": False,
                                      "checks": [{"type": "dns", "state": "down", "last_ok": False,
                                                  "detail": evil_detail}]}]},
                "events": [{"at_ms": 1700000000000, "event": "+down", "node": evil_name,
                            "epoch": 3, "detail": "<b>x</b>"}],
                "events_total": 1, "budget": {}}

        class Feed(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = html if self.path == "/" else json.dumps(feed).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8" if self.path == "/"
                                 else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_tcp_port("127.0.0.1")), Feed)
        self.servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        session = self.browser.open("http://127.0.0.1:%d/" % srv.server_address[1])
        page = self.wait_page(session, lambda p: p["refreshes"] >= 2, 20, "two refreshes")
        self.assertEqual(page["master"], evil_name)
        self.assertEqual(page["nodes"][0]["node"], evil_name)
        self.assertIn(evil_detail, page["nodes"][0]["checks"][0])
        self.assertEqual(page["stateFileError"],
                         "STATE FILE NOT SAVED: No space <b>left</b> (nothing is published or "
                         "acted on until it is saved)")
        self.assertEqual(page["events"], [["+down", evil_name]])
        self.assertEqual((page["injected"], page["pwned"]), (0, None))
        self.assertEqual(page["failover"], "manual")
        # The sentinel goes away: the page says its data is stale instead of looking fine.
        self.servers.remove(srv)
        srv.shutdown()
        srv.server_close()
        page = self.wait_page(session, lambda p: p["ok"] == "false", 10, "NOT UPDATING")
        stale = self.browser.evaluate(session, "document.getElementById('stale').hidden ? null : "
                                               "document.getElementById('stale').textContent")
        self.assertRegex(stale or "", r"^Cannot read the sentinel \(.+\): what you see is from ")
        self.assertEqual(page["master"], evil_name)  # the last data stays on screen


if __name__ == "__main__":
    if not os.access(CHROMIUM, os.X_OK):
        print("SKIP test_status_page.py: needs chromium (Debian package chromium)", flush=True)
        raise SystemExit(dnsd_harness.SKIP_EXIT)
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
