"""Documents as PDF: WeasyPrint with IPAexGothic (from the matplotlib-fontja package) embedded through an
@font-face rule with a file:// URL, so the PDF reads the same on any machine.

WeasyPrint may read only that font file: every other URL is refused, so nothing typed into a record can make
the server read a file or reach the network while a document is rendered."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import conf


def font_face_css() -> str:
    uri = conf.japanese_font_path().as_uri()
    return f'@font-face {{ font-family: "IPAexGothic"; src: url("{uri}"); }}\n'


def _fetcher():
    from weasyprint.urls import URLFetcher

    font = conf.japanese_font_path().as_uri()

    class OnlyTheFont(URLFetcher):
        def fetch(self, url, headers=None):
            if url != font:
                raise ValueError("PDF に外部の資源は読み込みません。")
            return super().fetch(url, headers)

    return OnlyTheFont(allowed_protocols=["file"], allow_redirects=False)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a standalone document template (which puts `font_css` in its <style>) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "font_css": font_face_css()})
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf()
