"""The weekly digest: a week's numbers, its warnings and shoes, as Markdown or one HTML file.

weeks    which ISO week is meant (`--week`)
weekly   the numbers, assembled from frames and detector results
order    the one order of importance: the cards, the headline, the e-mail's subject
status   the block on top: one word, this week against the usual week, next week
next_week  how far next week may go: the one place that asks the rules for their lines
styles   the look in one place: a style sheet for pages, inline styles for e-mail
chart    the 12-week chart, drawn with matplotlib for a phone's width and a wider one,
         as SVG for pages and PNG for mail
render   Markdown, HTML and the e-mail's plain text through Jinja2 templates, and the
         sentences they share
mail     the digest as one e-mail message for `sendmail -t`
output   where the files go (`{week}` placeholder, atomic writes)
"""
