"""A mocked Strava for tests, served through `responses`.

Bodies follow Strava's documented JSON (SummaryActivity, SummaryGear,
DetailedGear, the OAuth token answer, Fault). The fake behaves like the real
list endpoint where it matters for sync: with `after` it returns activities
oldest first, without it newest first, `per_page` at most 200, and every API
answer carries the rate-limit headers. Faults can be queued per endpoint and page.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses

API = "https://www.strava.com/api/v3"
OAUTH = "https://www.strava.com/oauth"

ACCESS = "fake-access-6f1c0e9a5d"
REFRESH = "fake-refresh-a83b27c4e1"
CLIENT_ID = 4242
CLIENT_SECRET = "fake-secret-90d2f7"


def activity(id: int, start_utc: datetime, km: float, *, sport_type: str = "Run", gear_id: str | None = "g100",
             utc_offset_h: int = 0, name: str = "Morning Run", elev_m: float = 12.0, trainer: bool = False,
             manual: bool = False) -> dict[str, Any]:
    """A SummaryActivity as Strava's list endpoint sends it."""
    local = start_utc + timedelta(hours=utc_offset_h)
    return {
        "resource_state": 2,
        "athlete": {"id": 134815, "resource_state": 1},
        "name": name,
        "distance": round(km * 1000.0, 1),
        "moving_time": int(km * 330),
        "elapsed_time": int(km * 345),
        "total_elevation_gain": elev_m,
        "type": "Run" if sport_type in ("Run", "TrailRun", "VirtualRun") else sport_type,
        "sport_type": sport_type,
        "workout_type": None,
        "id": id,
        "start_date": start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_date_local": local.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timezone": "(GMT+00:00) Europe/London",
        "utc_offset": utc_offset_h * 3600.0,
        "location_city": None,
        "achievement_count": 0,
        "kudos_count": 2,
        "map": {"id": f"a{id}", "summary_polyline": None, "resource_state": 2},
        "trainer": trainer,
        "commute": False,
        "manual": manual,
        "private": False,
        "visibility": "everyone",
        "flagged": False,
        "gear_id": gear_id,
        "average_speed": 3.03,
        "max_speed": 5.1,
        "average_cadence": 84.5,
        "has_heartrate": False,
        "pr_count": 0,
        "total_photo_count": 0,
        "has_kudoed": False,
    }


def summary_shoe(id: str, name: str, distance_m: float, *, primary: bool = False) -> dict[str, Any]:
    """A SummaryGear as listed in the athlete's `shoes`."""
    return {"id": id, "primary": primary, "name": name, "nickname": None, "resource_state": 2,
            "retired": False, "distance": distance_m, "converted_distance": round(distance_m / 1609.344, 1)}


def detailed_gear(id: str, brand: str, model: str, distance_m: float, *, retired: bool = False,
                  name: str | None = None) -> dict[str, Any]:
    """A DetailedGear as the gear endpoint sends it."""
    return {"id": id, "primary": False, "name": name or f"{brand} {model}", "nickname": "", "resource_state": 3,
            "retired": retired, "distance": distance_m, "converted_distance": round(distance_m / 1609.344, 1),
            "brand_name": brand, "model_name": model, "description": "", "notification_distance": 0}


def history(n: int, *, end: datetime = datetime(2026, 3, 1, 7, tzinfo=timezone.utc), every_h: int = 31,
            first_id: int = 9_000_000_000) -> list[dict[str, Any]]:
    """`n` runs ending at `end`, one every `every_h` hours, on two shoes; deterministic."""
    out = []
    for i in range(n):
        start = end - timedelta(hours=every_h * (n - 1 - i))
        out.append(activity(first_id + i, start, 6.0 + (i % 5), gear_id="g100" if i % 3 else "g200",
                            utc_offset_h=1))
    return out


def fault(message: str, resource: str, field: str, code: str) -> dict[str, Any]:
    return {"message": message, "errors": [{"resource": resource, "field": field, "code": code}]}


RATE_LIMIT_FAULT = fault("Rate Limit Exceeded", "Application", "rate limit", "exceeded")
INACTIVE_FAULT = fault("Forbidden", "Application", "Status", "Inactive")


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"{self.method} {self.path} {self.params or ''}{self.form or ''}"


class FakeStrava:
    def __init__(self, rsps: responses.RequestsMock, activities: list[dict[str, Any]] | None = None,
                 shoes: list[dict[str, Any]] | None = None, gear: dict[str, dict[str, Any]] | None = None,
                 api: str = API):
        self.activities = {a["id"]: a for a in activities or []}
        self.shoes = list(shoes) if shoes is not None else [summary_shoe("g100", "Daily trainer", 412_000.0, primary=True)]
        self.gear = dict(gear or {})
        self.notes: dict[int, dict[str, Any]] = {}
        self.access_token = ACCESS
        self.refresh_token = REFRESH
        self.expires_at = 4_102_444_800  # 2100-01-01
        self.calls: list[Call] = []
        self.usage = [0, 0]
        self.limits = [600, 30000]
        # (method, path, page or None) -> queued answers: a status code, or an exception to raise
        self._faults: dict[tuple[str, str, int | None], deque] = {}
        self.hook = None  # called with each Call before it is answered (used to stall a request)
        self.api = api.rstrip("/")
        path = urlsplit(self.api).path
        rsps.add_callback(responses.GET, re.compile(re.escape(self.api) + r"/athlete/activities(\?.*)?$"),
                          callback=self._list)
        rsps.add_callback(responses.GET, re.compile(re.escape(self.api) + r"/athlete(\?.*)?$"), callback=self._athlete)
        rsps.add_callback(responses.GET, re.compile(re.escape(self.api) + r"/gear/[^/?]+(\?.*)?$"), callback=self._gear)
        rsps.add_callback(responses.GET, re.compile(re.escape(self.api) + r"/activities/\d+(\?.*)?$"),
                          callback=self._detail)
        rsps.add_callback(responses.POST, f"{OAUTH}/token", callback=self._token)
        rsps.add_callback(responses.POST, f"{OAUTH}/deauthorize", callback=self._deauthorize)
        self._api_path = path

    # -- test controls ---------------------------------------------------------------------

    def fail(self, method: str, path: str, *answers: Any, page: int | None = None) -> None:
        self._faults.setdefault((method, path, page), deque()).extend(answers)

    def api_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.path.startswith("/oauth")]

    def list_pages(self) -> list[int]:
        return [int(c.params["page"]) for c in self.calls if c.path == "/athlete/activities"]

    # -- endpoints ---------------------------------------------------------------------------

    def _record(self, request) -> Call:
        url = urlsplit(request.url)
        path = url.path
        if path.startswith(self._api_path) and not path.startswith("/oauth"):
            path = path[len(self._api_path):]
        form = {}
        if request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            form = {k: v[0] for k, v in parse_qs(body).items()}
        call = Call(request.method, path, {k: v[0] for k, v in parse_qs(url.query).items()}, form)
        self.calls.append(call)
        if self.hook:
            self.hook(call)
        return call

    def _headers(self) -> dict[str, str]:
        usage = f"{self.usage[0]},{self.usage[1]}"
        limits = f"{self.limits[0]},{self.limits[1]}"
        return {"X-RateLimit-Limit": limits, "X-RateLimit-Usage": usage,
                "X-ReadRateLimit-Limit": limits, "X-ReadRateLimit-Usage": usage,
                "Content-Type": "application/json"}

    def _api(self, request, answer):
        call = self._record(request)
        self.usage = [self.usage[0] + 1, self.usage[1] + 1]
        queued = self._queued(call)
        if queued:
            return queued
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, self._headers(), json.dumps(fault("Authorization Error", "Athlete", "access_token", "invalid"))
        status, body = answer(call)
        return status, self._headers(), body if isinstance(body, str) else json.dumps(body)

    def _queued(self, call: Call):
        page = int(call.params["page"]) if "page" in call.params else None
        for key in ((call.method, call.path, page), (call.method, call.path, None)):
            queue = self._faults.get(key)
            if queue:
                return self._fault_answer(queue.popleft())
        return None

    def _fault_answer(self, item: Any):
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, tuple):  # (status, raw body)
            return item[0], self._headers(), item[1]
        if item == 429:
            return 429, self._headers(), json.dumps(RATE_LIMIT_FAULT)
        if item == 403:
            return 403, self._headers(), json.dumps(INACTIVE_FAULT)
        return item, self._headers(), json.dumps({"message": "Server Error", "errors": []})

    def _list(self, request):
        def answer(call: Call):
            per_page = min(int(call.params.get("per_page", 30)), 200)
            page = int(call.params.get("page", 1))
            items = sorted(self.activities.values(), key=lambda a: a["start_date"])
            if "after" in call.params:
                after = datetime.fromtimestamp(int(call.params["after"]), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                items = [a for a in items if a["start_date"] > after]
            else:
                items.reverse()
            return 200, items[(page - 1) * per_page: page * per_page]
        return self._api(request, answer)

    def _athlete(self, request):
        return self._api(request, lambda call: (200, {
            "id": 134815, "username": "runner", "resource_state": 3, "firstname": "Ada", "lastname": "Runner",
            "city": "Leeds", "country": "United Kingdom", "sex": "F", "premium": True, "summit": True,
            "created_at": "2017-10-01T20:00:00Z", "updated_at": "2026-02-27T10:00:00Z",
            "measurement_preference": "meters", "bikes": [], "shoes": self.shoes}))

    def _gear(self, request):
        def answer(call: Call):
            gear_id = call.path.rsplit("/", 1)[1]
            if gear_id in self.gear:
                return 200, self.gear[gear_id]
            return 404, fault("Record Not Found", "Gear", "id", "invalid")
        return self._api(request, answer)

    def _detail(self, request):
        """A DetailedActivity: the summary plus the notes set in `self.notes` (id -> fields)."""
        def answer(call: Call):
            activity_id = int(call.path.rsplit("/", 1)[1])
            found = self.activities.get(activity_id)
            if found is None:
                return 404, fault("Record Not Found", "Activity", "id", "invalid")
            return 200, {**found, "resource_state": 3, "description": None, **self.notes.get(activity_id, {})}
        return self._api(request, answer)

    def _token(self, request):
        call = self._record(request)
        queued = self._queued(call)
        if queued:
            return queued
        form = call.form
        if str(form.get("client_id")) != str(CLIENT_ID) or form.get("client_secret") != CLIENT_SECRET:
            return 401, {}, json.dumps(fault("Bad Request", "Application", "client_id", "invalid"))
        if form.get("grant_type") == "authorization_code":
            if form.get("code") != "good-code":
                return 400, {}, json.dumps(fault("Bad Request", "AuthorizationCode", "code", "invalid"))
        elif form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") != self.refresh_token:
                return 400, {}, json.dumps(fault("Bad Request", "RefreshToken", "refresh_token", "invalid"))
            self.access_token = f"{ACCESS}-renewed"
            self.refresh_token = f"{REFRESH}-renewed"
        else:
            return 400, {}, json.dumps(fault("Bad Request", "Application", "grant_type", "invalid"))
        body = {"token_type": "Bearer", "expires_at": self.expires_at, "expires_in": 21600,
                "refresh_token": self.refresh_token, "access_token": self.access_token}
        if form.get("grant_type") == "authorization_code":
            body["athlete"] = {"id": 134815, "resource_state": 2, "firstname": "Ada", "lastname": "Runner"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _deauthorize(self, request):
        call = self._record(request)
        queued = self._queued(call)
        if queued:
            return queued
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, {}, json.dumps(fault("Authorization Error", "Athlete", "access_token", "invalid"))
        revoked = self.access_token
        self.access_token = None
        return 200, {"Content-Type": "application/json"}, json.dumps({"access_token": revoked})


def connection_error() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError("connection reset by peer")


def write_token(home, *, expires_at: int = 4_102_444_800, access: str = ACCESS, refresh: str = REFRESH) -> None:
    from loadguard.strava import token as tokens
    tokens.save(home, tokens.Token(access_token=access, refresh_token=refresh, expires_at=expires_at,
                                   client_id=CLIENT_ID, client_secret=CLIENT_SECRET, athlete_id=134815))
