"""One module per `loadguard` command; heavy imports stay inside the functions.

SUMMARIES holds each command's line in `loadguard --help`. It lives here, beside the
modules and not in them, so that listing the commands imports none of them (a third
of `--help`'s time went to that), and each command takes its line from here
(`short_help=SUMMARIES[...]`), so the two never differ.
"""

SUMMARIES = {
    "auth": "Connect loadguard to your Strava account, or disconnect it.",
    "sync": "Pull new and changed activities and shoes from Strava.",
    "import": "Load a Strava bulk export or watch files (FIT, GPX, TCX).",
    "check": "Run every enabled rule and print the warnings.",
    "ahead": "How long the next run, and the next days, may be.",
    "plan": "Import a training plan and check it ahead.",
    "digest": "The weekly review, for phone, paper or inbox.",
    "shoes": "Your shoes: distance, limits, and the pairs you register.",
    "replay": "What the cron line would have mailed, month by month.",
    "symptom": "Log what your feet and legs tell you.",
}
