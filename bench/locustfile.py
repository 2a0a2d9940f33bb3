"""The staff mix of `make bench-load`, run by locust in its own process (no Django here).

BENCH_ACCOUNTS names a JSON file written by `manage.py bench_load`: one entry per account (user name, password, the
authenticator's hex key, role, and ids of persons and cases of that account's center). Each simulated member of staff
takes the next account, logs in through the real pages (password, then the six-digit code computed from the key:
RFC 6238 TOTP, 30 s, SHA-1), then does a weighted mix of the day's work with think time.

BENCH_THINK (seconds): constant pacing, one action per BENCH_THINK seconds whatever the response time (open loop as
long as pages answer faster than the pacing); 0 = no pause (the closed-loop run that finds saturation).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time

import gevent
from locust import HttpUser, constant, constant_pacing, task

ACCOUNTS = json.load(open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8"))
THINK = float(os.environ.get("BENCH_THINK", "10"))
SEARCH_TERMS = ["サトウ", "スズキ", "タナカ", "佐藤", "高橋", "山本", "ナカムラ", "伊藤", "ヤマダ", "小林"]
# The measurement starts when the last user has logged in (statistics reset) and lasts BENCH_MEASURE seconds: on a
# busy machine log-ins (a password hash each) take far longer than any fixed ramp-up.
USERS = int(os.environ.get("BENCH_USERS", "0"))
MEASURE = float(os.environ.get("BENCH_MEASURE", "60"))
LOGGED_IN = 0
NEXT_ACCOUNT = itertools.count(int(os.environ.get("BENCH_ACCOUNT_OFFSET", "0")))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(hex_key: str, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def csrf_of(html: str) -> str:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else ""


class Staff(HttpUser):
    wait_time = constant_pacing(THINK) if THINK > 0 else constant(0)

    def on_start(self):
        self.account = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        self.rng = random.Random(self.account["username"])
        page = self.client.get("/accounts/login/", name="login (password)")
        response = self.client.post("/accounts/login/", name="login (password)", data={
            "username": self.account["username"], "password": self.account["password"],
            "csrfmiddlewaretoken": csrf_of(page.text)})
        with self.client.post("/accounts/otp/", name="login (two-factor code)", catch_response=True, data={
                "token": totp(self.account["otp_key"]), "csrfmiddlewaretoken": csrf_of(response.text)}) as done:
            if "/accounts/" in done.url:
                done.failure("two-factor log-in did not reach the home page")
        global LOGGED_IN
        LOGGED_IN += 1
        if LOGGED_IN == USERS:
            runner = self.environment.runner
            runner.stats.reset_all()
            gevent.spawn_later(MEASURE, runner.quit)

    def get(self, path: str, name: str, params: dict | None = None):
        """A page; sent back to the log-in page (the session lost) counts as a failure, not as a fast page."""
        with self.client.get(path, params=params, name=name, catch_response=True) as response:
            if "/accounts/login/" in response.url:
                response.failure("redirected to the log-in page")
            return response

    def _person(self) -> int:
        return self.rng.choice(self.account["persons"])

    def _case(self) -> int:
        return self.rng.choice(self.account["cases"])

    @task(10)
    def home(self):
        self.get("/", "home")

    @task(8)
    def inbox(self):
        self.get("/inbox/", "やること")

    @task(3)
    def calendar(self):
        self.get("/inbox/calendar/", "calendar")

    @task(5)
    def person_list(self):
        self.get("/people/", "person list")

    @task(6)
    def person_search(self):
        self.get("/people/", "person search", {"q": self.rng.choice(SEARCH_TERMS)})

    @task(3)
    def header_search(self):
        self.get("/search/", "header search", {"q": self.rng.choice(SEARCH_TERMS)})

    @task(10)
    def person_page(self):
        self.get(f"/people/{self._person()}/", "person page")

    @task(10)
    def case_page(self):
        self.get(f"/cases/{self._case()}/", "case page")

    @task(4)
    def timeline_page_2(self):
        self.get(f"/cases/{self._case()}/", "case timeline page 2", {"tpage": 2})

    @task(3)
    def add_record(self):
        case = self._case()
        form = self.get(f"/records/case/{case}/add/", "add record (form)")
        now = time.localtime(time.time() - 3600)
        with self.client.post(f"/records/case/{case}/add/", name="add record (save)", catch_response=True, data={
            "csrfmiddlewaretoken": csrf_of(form.text), "occurred_at": time.strftime("%Y-%m-%dT%H:%M", now),
            "kind": "phone", "counterpart": "本人", "minutes": "10",
            "narrative": "負荷試験の記録。電話で近況を確認した。"}) as saved:
            if f"/cases/{case}/" not in saved.url:
                saved.failure("the record was not saved")

    @task(2)
    def vacancy_search(self):
        self.get("/placements/vacancies/", "vacancy search")

    @task(2)
    def directory(self):
        self.get("/partners/", "directory")

    @task(1)
    def approvals(self):
        self.get("/planning/approvals/", "approvals")

    @task(1)
    def audit_log(self):
        if self.account["role"] == "director":
            self.get("/privacy/audit/", "audit log")
