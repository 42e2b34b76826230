from __future__ import annotations

import click

from loadguard.app import App, pass_app
from loadguard.commands import SUMMARIES


@click.command(short_help=SUMMARIES["auth"])
@click.option("--client-id", metavar="ID", help="Your Strava API application's client id "
              "(else env STRAVA_CLIENT_ID, else [strava] client_id in config.toml).")
@click.option("--client-secret", metavar="SECRET", help="Its client secret "
              "(else env STRAVA_CLIENT_SECRET, else [strava] client_secret in config.toml).")
@click.option("--code", metavar="CODE", help="Exchange an authorization code pasted by hand "
              "(from the `code=` part of the address Strava redirected to), for machines without a browser.")
@click.option("--no-browser", is_flag=True,
              help="Print the authorize URL and how to finish with --code, and end there: no browser, no waiting.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port of the one-shot callback on 127.0.0.1 (0: any free port).")
@click.option("--timeout", "timeout_s", type=click.IntRange(1), default=300, show_default=True,
              help="Seconds to wait for Strava's callback.")
@click.option("--revoke", is_flag=True, help="Revoke loadguard's access at Strava and delete token.json.")
@pass_app
def auth(app: App, client_id: str | None, client_secret: str | None, code: str | None,
         no_browser: bool, port: int, timeout_s: int, revoke: bool) -> None:
    """Connect loadguard to your Strava account (once), or disconnect it.

    Opens Strava's authorize page and receives the answer on 127.0.0.1. The
    token is saved in token.json in the home, readable only by you.
    """
    from loadguard.strava import api as strava
    from loadguard.strava import token as tokens
    strava.quiet_library_logging()
    settings = app.config["strava"]
    if revoke:
        _revoke(app, settings, client_id, client_secret)
        return

    cid, secret = strava.client_credentials(settings, client_id, client_secret)
    api = strava.StravaAPI(None, base_url=settings["base_url"], client_id=cid, client_secret=secret)
    scope = None
    if code is None and no_browser:
        _print_for_elsewhere(api, port)
        return
    if code is None:
        code, scope = _browser_flow(api, port, timeout_s)
    token, athlete = api.exchange_code(code.strip(), scope=scope)
    path = tokens.save(app.home, token)
    from loadguard.render.printable import printable

    who = printable(" ".join(str(athlete[k]) for k in ("firstname", "lastname") if athlete.get(k)))
    click.echo(f"Connected to Strava{' as ' + who if who else ''}. Access saved in {path} (readable only by you).")
    if scope is not None and "activity:read_all" not in scope.split(","):
        click.echo("Note: private activities were not allowed, so they will not be synced; run "
                   "`loadguard auth` again and tick every box to include them.", err=True)


def _print_for_elsewhere(api, port: int) -> None:
    """For a machine without a browser: the address to open elsewhere, and how to finish.
    Nothing listens for the answer (the browser that gets it is on another machine)."""
    import secrets

    from loadguard.strava.callback import CALLBACK_PATH

    url = api.authorize_url(f"http://127.0.0.1{f':{port}' if port else ''}{CALLBACK_PATH}", secrets.token_urlsafe(24))
    click.echo("Open this address in a browser on any machine to let loadguard read your Strava activities and shoes:")
    click.echo(f"  {url}")
    click.echo("Strava then sends that browser to a 127.0.0.1 page that does not load: copy the `code=` value "
               "from its address and run `loadguard auth --code CODE` here.")


def _browser_flow(api, port: int, timeout_s: int) -> tuple[str, str | None]:
    import secrets
    import webbrowser

    from loadguard.strava import callback as oauth_callback
    state = secrets.token_urlsafe(24)

    def ready(redirect_uri: str) -> None:
        url = api.authorize_url(redirect_uri, state)
        click.echo("Open this address to let loadguard read your Strava activities and shoes:")
        click.echo(f"  {url}")
        webbrowser.open(url)
        click.echo(f"Waiting for Strava's answer on {redirect_uri} …")

    answer = oauth_callback.receive(state, port=port, timeout_s=timeout_s, on_ready=ready)
    return answer.code, answer.scope


def _revoke(app: App, settings, client_id: str | None, client_secret: str | None) -> None:
    from loadguard.errors import LoadguardError
    from loadguard.strava import api as strava
    from loadguard.strava import token as tokens
    token = tokens.load(app.home)
    if token is None:
        click.echo("Not connected to Strava: nothing to revoke.")
        return
    # Credentials given on the command line win; else those saved with the token.
    cid, secret = strava.client_credentials(settings, client_id or token.client_id,
                                            client_secret or token.client_secret)
    # A renewal before the revocation retires the saved refresh token, so the
    # new one is saved at once: if the revocation then fails, token.json still works.
    api = strava.StravaAPI(token, base_url=settings["base_url"], client_id=cid, client_secret=secret,
                           on_token=lambda renewed: tokens.save(app.home, renewed))
    try:
        api.deauthorize()
    except strava.AccessRefused:
        pass  # Strava already refuses the token: there is nothing left to revoke there
    except LoadguardError as error:
        raise LoadguardError(f"{error}; token.json was kept, try `loadguard auth --revoke` again "
                             "or remove loadguard at strava.com/settings/apps") from None
    tokens.delete(app.home)
    click.echo("Disconnected: loadguard's Strava access is revoked and token.json is deleted.")
