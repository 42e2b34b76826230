"""The weekly digest: a week's numbers, its warnings and shoes, as Markdown or one HTML file.

weeks    which ISO week is meant (`--week`)
weekly   the numbers, assembled from frames and detector results
chart    the 12-week chart, drawn with matplotlib for a phone's width and a wider one,
         as SVG for pages and PNG for mail
render   Markdown and HTML through Jinja2 templates, and the sentences both share
mail     the digest as one e-mail message for `sendmail -t`
output   where the files go (`{week}` placeholder, atomic writes)
"""
