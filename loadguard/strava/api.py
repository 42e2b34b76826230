"""Strava's API, through stravalib. The only module that imports stravalib.

We use stravalib's low-level `ApiV3` (bearer header, OAuth calls, Strava's
error payloads turned into typed faults) and take charge of four things it
would otherwise decide for us, each wrong for a cron job:

- Rate limits: its default limiter *sleeps* until the 15-minute or daily window
  ends. Ours only records the usage headers; the sync stops cleanly instead.
- Credentials: it reads STRAVA_CLIENT_ID/SECRET itself and logs warnings through
  the root logger when they are absent; it refreshes tokens only after expiry
  and never saves them. We refresh ahead of expiry and save via a callback.
- Timeouts: requests has none by default, so a stalled connection would hang
  forever; our session always sets one, and holds a whole sync to an overall
  deadline even against a server that trickles its answer byte by byte.
- Base URL: one configurable value (Strava moves to a new API host in 2027).

Every response is checked for the shape we rely on before anything is stored;
activity rows are mapped to the store's columns here.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import urlsplit

import requests
import urllib3
from stravalib import exc
from stravalib.protocol import ApiV3
from stravalib.util import limiter

from loadguard.errors import LoadguardError
from loadguard.sources import API_SOURCE
from loadguard.strava.faults import BadResponse, Deadline, ItemFault, RemoteStop
from loadguard.strava.token import NOT_CONNECTED, Token

SCOPES = ["read", "activity:read_all", "profile:read_all"]
PAGE_SIZE = 200  # the API's maximum per_page
REQUEST_TIMEOUT_S = 30
# Waits before each retry of a 5xx, timeout or connection error; bounded so a
# cron run gives up in well under a minute.
RETRY_BACKOFF_S = (1.0, 3.0, 8.0)
# Where the OAuth endpoints live; stravalib builds authorize/token URLs on this host.
OAUTH_HOST = "www.strava.com"
# Strava replaces oauth/deauthorize with oauth/revoke on 1 June 2027.
DEAUTHORIZE_URL = f"https://{OAUTH_HOST}/oauth/deauthorize"

REAUTH = "Strava no longer accepts loadguard's access (revoked or expired); run `loadguard auth` again"
INACTIVE = ("Strava refuses this API application: since 30 June 2026 an application works only while its "
            "owner has a Strava subscription (reactivate it at strava.com/settings/api), or use "
            "`loadguard import` with your Strava bulk export instead")

sleep = time.sleep  # tests replace this to skip the backoff waits


def quiet_library_logging() -> None:
    """Keep library log records off the terminal (and out of cron mail).

    stravalib logs warnings with the module-level `logging.warning`, which
    installs a stderr handler on the root logger if it has none, and routes
    Python warnings into logging. A do-nothing root handler stops both; what a
    user must know, loadguard says itself in one line.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


def client_credentials(settings: dict[str, Any], client_id: Any = None,
                       client_secret: str | None = None) -> tuple[int | None, str | None]:
    """The app's client id and secret: given values, else STRAVA_CLIENT_ID/SECRET, else config."""
    raw_id = client_id or os.environ.get("STRAVA_CLIENT_ID") or settings.get("client_id")
    secret = client_secret or os.environ.get("STRAVA_CLIENT_SECRET") or settings.get("client_secret")
    if raw_id in (None, ""):
        return None, secret or None
    try:
        return int(str(raw_id).strip()), secret or None
    except ValueError:
        raise LoadguardError("the Strava client id must be a number (see your app at "
                             "strava.com/settings/api)") from None


class _Session(requests.Session):
    """Every request with a timeout; with a deadline, the whole answer must arrive before it.

    requests' timeout bounds each wait for bytes, so a server sending one byte
    every few seconds would hold a sync (and its lock) for ever. With a
    deadline the body is read here in pieces, and the clock is checked
    between them.
    """

    def __init__(self, deadline: Deadline | None = None):
        super().__init__()
        self.deadline = deadline

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if self.deadline is None:
            if kwargs.get("timeout") is None:
                kwargs["timeout"] = REQUEST_TIMEOUT_S
            return super().request(method, url, *args, **kwargs)
        self.deadline.check()
        wait = max(0.1, min(REQUEST_TIMEOUT_S, self.deadline.remaining()))
        kwargs["timeout"] = wait
        kwargs["stream"] = True
        response = super().request(method, url, *args, **kwargs)
        try:
            response._content = self._body(response)  # what requests would have read itself
        finally:
            response.close()
        return response

    def _body(self, response: requests.Response) -> bytes:
        assert self.deadline is not None
        chunks = []
        try:
            while True:
                self.deadline.check()
                chunk = response.raw.read1(64 * 1024, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        # The conversions requests makes when it reads a body itself.
        except urllib3.exceptions.ProtocolError as error:
            raise requests.exceptions.ChunkedEncodingError(error) from None
        except urllib3.exceptions.DecodeError as error:
            raise requests.exceptions.ContentDecodingError(error) from None
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ConnectionError(error) from None
        except urllib3.exceptions.SSLError as error:
            raise requests.exceptions.SSLError(error) from None


class _RateWatch:
    """A rate limiter that never sleeps: it remembers the latest usage headers."""

    def __init__(self) -> None:
        self.rates: limiter.RequestRate | None = None

    def __call__(self, headers: dict[str, str], method: str) -> None:
        try:
            rates = limiter.get_rates_from_response_headers(headers, method)  # type: ignore[arg-type]
        except (ValueError, IndexError, KeyError):
            return  # unreadable headers: a 429 will still tell us
        if rates is not None:
            self.rates = rates

    def exhausted(self) -> str | None:
        """'daily' or '15-minute' when the last response used up a window."""
        r = self.rates
        if r is None:
            return None
        if r.long_limit and r.long_usage >= r.long_limit:
            return "daily"
        if r.short_limit and r.short_usage >= r.short_limit:
            return "15-minute"
        return None


class _Protocol(ApiV3):
    def __init__(self, base_url: str, **kwargs: Any):
        self.base_url = base_url.rstrip("/")
        super().__init__(**kwargs)
        self.server = OAUTH_HOST

    def _check_credentials(self) -> None:
        # Leaves client_id/secret unset, which also keeps stravalib from
        # refreshing on its own (and from logging about the environment).
        self.client_id = None
        self.client_secret = None

    def resolve_url(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return f"{self.base_url}/{url.strip('/')}"


def window_reset(window: str, now: datetime | None = None) -> str:
    """When a rate-limit window opens again, in local time."""
    now = now or datetime.now(timezone.utc)
    if window == "daily":
        reset = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    else:  # Strava's 15-minute windows start at :00, :15, :30 and :45
        reset = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0) + timedelta(minutes=15)
    return reset.astimezone().strftime("%H:%M %Z").strip()


class StravaAPI:
    """The Strava calls loadguard makes, as a `loadguard.strava.sync.Client`."""

    page_size = PAGE_SIZE

    def __init__(self, token: Token | None, *, base_url: str,
                 client_id: int | None = None, client_secret: str | None = None,
                 on_token: Callable[[Token], None] | None = None, deadline: Deadline | None = None):
        self.token = token
        self.client_id = client_id
        self.client_secret = client_secret
        self.on_token = on_token
        self.rate = _RateWatch()
        self.protocol = _Protocol(
            base_url,
            access_token=token.access_token if token else None,
            requests_session=_Session(deadline),
            rate_limiter=self.rate,
        )

    # -- OAuth -----------------------------------------------------------------------

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return self.protocol.authorization_url(
            client_id=self._client_id(), redirect_uri=redirect_uri,
            approval_prompt="auto", scope=SCOPES, state=state)  # type: ignore[arg-type]

    def exchange_code(self, code: str, scope: str | None = None) -> tuple[Token, dict[str, Any]]:
        """Trade an authorization code for a token; returns it with the athlete summary."""
        access, athlete = self._call(lambda: self.protocol.exchange_code_for_token(
            client_id=self._client_id(), client_secret=self._client_secret(), code=code,
            return_athlete=True), "the code exchange", refused=(
            "Strava refused the authorization code (expired, already used, or for another app); "
            "run `loadguard auth` again"))
        athlete = athlete if isinstance(athlete, dict) else {}
        self.token = Token(
            access_token=_text(access, "access_token"), refresh_token=_text(access, "refresh_token"),
            expires_at=_integer(access, "expires_at"), client_id=self._client_id(),
            client_secret=self._client_secret(), scope=scope,
            athlete_id=athlete.get("id") if isinstance(athlete.get("id"), int) else None)
        return self.token, athlete

    def ensure_fresh(self) -> None:
        """Renew the access token when it is about to expire, and save the new one."""
        token = self.token
        if token is None:
            raise LoadguardError(NOT_CONNECTED)
        if not token.expires_soon():
            return
        if self.client_id is None or not self.client_secret:
            raise LoadguardError("cannot renew the Strava access: no client id and secret are known; "
                                 "run `loadguard auth` again")
        access = self._call(lambda: self.protocol.refresh_access_token(
            client_id=self.client_id, client_secret=self.client_secret,  # type: ignore[arg-type]
            refresh_token=token.refresh_token), "the token renewal", refused=REAUTH)
        self.token = Token(
            access_token=_text(access, "access_token"), refresh_token=_text(access, "refresh_token"),
            expires_at=_integer(access, "expires_at"), client_id=self.client_id,
            client_secret=self.client_secret, scope=token.scope, athlete_id=token.athlete_id)
        self.protocol.access_token = self.token.access_token
        if self.on_token:
            self.on_token(self.token)

    def deauthorize(self) -> None:
        self.ensure_fresh()
        self._call(lambda: self.protocol.post(DEAUTHORIZE_URL), "the revocation")

    # -- data ----------------------------------------------------------------------------

    def activities_page(self, after: int, page: int) -> list[dict[str, Any]]:
        what = f"page {page} of the activity list"
        raw = self._get("/athlete/activities", what, after=after, page=page, per_page=PAGE_SIZE)
        if not isinstance(raw, list):
            raise BadResponse(f"Strava sent {what} in an unexpected shape (not a list)")
        return [activity_row(item, what) for item in raw]

    def athlete_shoes(self) -> list[dict[str, Any]] | None:
        raw = self._get("/athlete", "the athlete profile")
        if not isinstance(raw, dict):
            raise BadResponse("Strava sent the athlete profile in an unexpected shape (not an object)")
        shoes = raw.get("shoes")
        if shoes is None:
            return None  # without profile:read_all Strava leaves the gear out
        if not isinstance(shoes, list):
            raise BadResponse("Strava sent the athlete's shoes in an unexpected shape (not a list)")
        return [gear_row(item, "the athlete's shoes") for item in shoes]

    def gear(self, gear_id: str) -> dict[str, Any] | None:
        self.ensure_fresh()  # outside the try: a failed renewal concerns every request, not this gear
        what = f"gear {gear_id}"
        try:
            raw = self._call(lambda: self.protocol.get(f"/gear/{gear_id}"), what)
            return gear_row(raw, what)
        except _NotFound:
            return None
        except (BadResponse, _Rejected, _ServerFailing) as fault:
            raise ItemFault(str(fault)) from None

    def activity_notes(self, activity_id: int) -> dict[str, Any] | None:
        """The runner's description and private note of one activity (a DetailedActivity call)."""
        self.ensure_fresh()
        what = f"activity {activity_id}"
        try:
            raw = self._call(lambda: self.protocol.get(f"/activities/{activity_id}"), what)
            if not isinstance(raw, dict):
                raise BadResponse(f"Strava sent {what} in an unexpected shape (not an object)")
            # private_note is only ever sent to the activity's owner, and may be absent
            return {"description": _optional(raw, "description", str, what),
                    "private_note": _optional(raw, "private_note", str, what)}
        except _NotFound:
            return None
        except (BadResponse, _Rejected, _ServerFailing) as fault:
            raise ItemFault(str(fault)) from None

    def check_budget(self) -> None:
        window = self.rate.exhausted()
        if window:
            raise RemoteStop(f"Strava's {window} rate limit is used up; it resets at {window_reset(window)}")

    # -- plumbing -----------------------------------------------------------------------

    def _get(self, path: str, what: str, **params: Any) -> Any:
        self.ensure_fresh()
        return self._call(lambda: self.protocol.get(path, **params), what)

    def _call(self, request: Callable[[], Any], what: str, refused: str | None = None) -> Any:
        """One request with bounded retries; every failure becomes one clear line."""
        last = ""
        only_server_errors = True  # every try got a 5xx: Strava answers, but fails at this request
        for attempt in range(len(RETRY_BACKOFF_S) + 1):
            if attempt:
                sleep(RETRY_BACKOFF_S[attempt - 1])
            try:
                return request()
            except exc.ApplicationInactive:
                raise LoadguardError(INACTIVE) from None
            except exc.AccessUnauthorized:
                raise AccessRefused(refused or REAUTH) from None
            except exc.ObjectNotFound as fault:
                raise _NotFound(f"Strava answered {_status_at(fault.response)} for {what}; "
                                "check [strava] base_url in config.toml") from None
            except exc.Fault as fault:
                status = fault.response.status_code if fault.response is not None else 0
                if status == 429:
                    window = self.rate.exhausted() or "15-minute"
                    raise RemoteStop(f"Strava's {window} rate limit was hit (HTTP 429); "
                                     f"it resets at {window_reset(window)}") from None
                if 500 <= status < 600:
                    last = f"HTTP {status}"
                    continue
                if refused and status in (400, 401):
                    raise AccessRefused(refused) from None
                if status == 403:
                    raise _Rejected(
                        f"Strava denied {what} (HTTP 403): loadguard lacks a permission; run "
                        "`loadguard auth` again and allow everything it asks for") from None
                raise _Rejected(f"Strava answered HTTP {status} to {what}") from None
            except requests.exceptions.InvalidJSONError:
                raise BadResponse(f"Strava sent {what} as something that is not JSON") from None
            except requests.exceptions.Timeout:
                last = f"no answer within {REQUEST_TIMEOUT_S} s"
                only_server_errors = False
            except requests.exceptions.ConnectionError:
                last = "connection failed"
                only_server_errors = False
            except requests.exceptions.ChunkedEncodingError:
                last = "connection broke off mid-answer"
                only_server_errors = False
            except requests.exceptions.RequestException as error:
                raise LoadguardError(f"request to Strava failed for {what}: {type(error).__name__}") from None
            except (KeyError, TypeError, ValueError):
                # stravalib indexes the OAuth answers itself
                raise BadResponse(f"Strava sent {what} in an unexpected shape") from None
        stop = _ServerFailing if only_server_errors else RemoteStop
        raise stop(f"Strava is unreachable or failing for {what} ({last}, {len(RETRY_BACKOFF_S) + 1} tries)")

    def _client_id(self) -> int:
        if self.client_id is None:
            raise LoadguardError("Strava client id missing: pass --client-id, set STRAVA_CLIENT_ID, "
                                 "or set client_id under [strava] in config.toml")
        return self.client_id

    def _client_secret(self) -> str:
        if not self.client_secret:
            raise LoadguardError("Strava client secret missing: pass --client-secret, set "
                                 "STRAVA_CLIENT_SECRET, or set client_secret under [strava] in config.toml")
        return self.client_secret


class _NotFound(LoadguardError):
    """A 404: for one gear id an answer in itself; for the activity list, a wrong address."""


def _status_at(response: requests.Response | None) -> str:
    """'404 Not Found at https://host/path': the address without query or credentials."""
    if response is None:
        return "404 Not Found"
    parts = urlsplit(response.url or "")
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{response.status_code} {response.reason or 'Not Found'} at {parts.scheme}://{host}{parts.path}"


class _Rejected(LoadguardError):
    """Strava refused this one request (a 4xx other than 401, 404, 429 or the inactive app)."""


class _ServerFailing(RemoteStop):
    """Every try of this request got a 5xx: the whole run stops, unless the request was for one item."""


class AccessRefused(LoadguardError):
    """Strava rejects the token or the code: only a new `loadguard auth` helps."""


# -- mapping Strava JSON to store rows --------------------------------------------------------


def activity_row(raw: Any, where: str) -> dict[str, Any]:
    """A SummaryActivity as the store's activity row; BadResponse when a field we use is off."""
    if not isinstance(raw, dict):
        raise BadResponse(f"Strava sent {where} in an unexpected shape (an item is not an object)")
    ident = raw.get("id")
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise BadResponse(f"Strava sent {where} with an activity lacking a numeric id")
    label = f"{where} (activity {ident})"
    sport = raw.get("sport_type") or raw.get("type")
    if not isinstance(sport, str) or not sport:
        raise BadResponse(f"Strava sent {label} without a sport type")
    return {
        "id": ident,
        "name": _optional(raw, "name", str, label),
        "sport_type": sport,
        "start_utc": _timestamp(raw, "start_date", label) + "Z",
        # start_date_local carries a Z but is the wall-clock time where the run happened
        "start_local": _timestamp(raw, "start_date_local", label),
        "distance_m": _optional(raw, "distance", (int, float), label) or 0.0,
        "moving_s": _optional(raw, "moving_time", int, label),
        "elapsed_s": _optional(raw, "elapsed_time", int, label),
        "elev_gain_m": _optional(raw, "total_elevation_gain", (int, float), label),
        "gear_id": _optional(raw, "gear_id", str, label),
        "avg_cadence": _optional(raw, "average_cadence", (int, float), label),
        "trainer": bool(_optional(raw, "trainer", bool, label)),
        "manual": bool(_optional(raw, "manual", bool, label)),
        "source": API_SOURCE,
        # 1 race, 2 long run, 3 workout (runs); 0 or absent: a plain run
        "workout_type": _optional(raw, "workout_type", int, label),
    }


def gear_row(raw: Any, where: str) -> dict[str, Any]:
    """A SummaryGear (athlete list) or DetailedGear (gear endpoint) as a gear row."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise BadResponse(f"Strava sent {where} in an unexpected shape (gear without an id)")
    # The gear endpoint's answer is already named by its id: say it once
    label = where if where == f"gear {raw['id']}" else f"{where} (gear {raw['id']})"
    brand = _optional(raw, "brand_name", str, label)
    model = _optional(raw, "model_name", str, label)
    name = _optional(raw, "name", str, label) or " ".join(p for p in (brand, model) if p) or raw["id"]
    return {
        "id": raw["id"],
        "name": name,
        "brand": brand,
        "model": model,
        "kind": "shoe" if raw["id"].startswith("g") else "bike",
        "retired": bool(_optional(raw, "retired", bool, label)),
        "is_primary": bool(_optional(raw, "primary", bool, label)),
        "distance_m": _optional(raw, "distance", (int, float), label),
        "source": API_SOURCE,
    }


def _optional(raw: dict[str, Any], key: str, kind: Any, label: str) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        raise BadResponse(f"Strava sent {label} with an unexpected {key}")
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, kind):
        raise BadResponse(f"Strava sent {label} with an unexpected {key}")
    return value


def _timestamp(raw: dict[str, Any], key: str, label: str) -> str:
    value = raw.get(key)
    if isinstance(value, str):
        try:
            return datetime.strptime(value.rstrip("Z"), "%Y-%m-%dT%H:%M:%S").strftime("%Y-%m-%dT%H:%M:%S")
        except ValueError:
            pass
    raise BadResponse(f"Strava sent {label} without a readable {key}")


def _text(raw: Any, key: str) -> str:
    if not isinstance(raw, dict) or not isinstance(raw.get(key), str) or not raw[key]:
        raise BadResponse(f"Strava's token answer lacks {key}")
    return raw[key]


def _integer(raw: Any, key: str) -> int:
    value = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadResponse(f"Strava's token answer lacks {key}")
    return value
