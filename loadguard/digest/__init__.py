"""The weekly digest: a week's numbers, its warnings and shoes, as Markdown or one HTML file.

weeks    which ISO week is meant (`--week`)
weekly   the numbers, assembled from frames and detector results
chart    the 12-week chart, drawn with matplotlib as an SVG string
render   Markdown and HTML through Jinja2 templates
output   where the files go (`{week}` placeholder, atomic writes)
"""
