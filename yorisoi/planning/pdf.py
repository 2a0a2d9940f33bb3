"""The support plan as an A4 PDF, with WeasyPrint and the IPAexGothic font of matplotlib-fontja (embedded).

WeasyPrint may read only the font file: every other URL in the document is refused, so nothing typed into a
plan can make the server read a file or reach the network.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib_fontja
from django.contrib.staticfiles import finders

FONT = Path(matplotlib_fontja.__file__).resolve().parent / "fonts" / "ipaexg.ttf"
FONT_FAMILY = "IPAexGothic"


def _fetcher():
    from weasyprint.urls import URLFetcher

    class OnlyTheFont(URLFetcher):
        def fetch(self, url, headers=None):
            if url != FONT.as_uri():
                raise ValueError("PDF に外部の資源は読み込みません。")
            return super().fetch(url, headers)

    return OnlyTheFont(allowed_protocols=["file"], allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher()
    fonts = FontConfiguration()
    face = CSS(string=f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT.as_uri()}"); }}',
               url_fetcher=fetcher, font_config=fonts)
    sheet = CSS(filename=finders.find("planning/plan_pdf.css"), url_fetcher=fetcher, font_config=fonts)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[face, sheet], font_config=fonts)
