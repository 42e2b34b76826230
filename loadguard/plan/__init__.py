"""A training plan: planned sessions read from a calendar or a CSV, checked ahead against the lines.

`sessions` holds what a planned session is and how its distance and race words are
read; `read` turns a file into sessions (one problem line per unreadable event);
`replay` judges the plan forward on top of the history with the real rules.
"""
