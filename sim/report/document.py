"""A report as plain data, written to a self-contained report.html and a report.md.

Any report (one run, a scenario comparison, a parameter sweep) is a
`Document`: a title, a lead paragraph, sections of `Text`, `Table`, `Figure`
and `Code` blocks, and the provenance of its inputs. `write(doc, outdir)`
renders both files from the same data, so the two never disagree:

    doc = Document("Baseline, N = 500", lead="...", sections=[
        Section("Outcome odds", [Table(["outcome", "p"], [["talks", "0.41"]])]),
        Section("Figures", [Figure(Path("figures/outcomes.png"), "Outcome odds.")]),
    ], provenance={"version": "0.1.0", "commit": "abc123"})
    write(doc, outdir)          # -> outdir/report.html, outdir/report.md

The HTML embeds every PNG as base64 (it can be mailed or archived alone); the
Markdown links to the figure files by path relative to `outdir`, for use in a
repository. Both are written atomically (temporary name, then rename), and the
same document gives the same bytes: nothing here reads a clock.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.io.files import atomic

HTML_NAME = "report.html"
MD_NAME = "report.md"


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text (escaped; no markup is interpreted)."""

    text: str


@dataclass(frozen=True)
class Link:
    """A table cell that links to `href` (a path relative to the output directory, or a URL)."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Table:
    """A table of strings (or Links). `align` holds 'l' or 'r' per column (default: left)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    align: str = ""


@dataclass(frozen=True)
class Figure:
    """A PNG shown in the report, with a one-line caption.

    `others` are the same figure in other formats (SVG, PDF), linked beside it.
    Paths may be absolute or relative to the output directory.
    """

    png: Path
    caption: str
    others: Sequence[Path] = ()


@dataclass(frozen=True)
class Code:
    """Preformatted text, e.g. a resolved config; folded away in the HTML."""

    text: str
    summary: str = "Show"


Block = Text | Table | Figure | Code


def yaml_text(data: Mapping) -> str:
    """Settings as a YAML block, keys in their order (what `OmegaConf.to_yaml` prints for plain
    data, without loading OmegaConf into the process that draws the report)."""
    import yaml

    return yaml.safe_dump(dict(data), sort_keys=False, default_flow_style=False, allow_unicode=True)


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """Everything a report says. `provenance` is shown as a key/value table at the end."""

    title: str
    lead: str = ""
    sections: list[Section] = field(default_factory=list)
    provenance: Mapping[str, object] = field(default_factory=dict)
    finding: str = ""  # the answer, in a paragraph, shown first

    def headings(self) -> list[str]:
        """The table of contents: every section, then the provenance."""
        return [s.heading for s in self.sections] + (["Provenance"] if self.provenance else [])


def anchor(heading: str) -> str:
    """The id of a heading as GitHub makes it, so the same link works in HTML and Markdown."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.strip().replace(" ", "-")


def write(doc: Document, outdir: Path | str) -> tuple[Path, Path]:
    """Write outdir/report.html and outdir/report.md; return their paths."""
    outdir = Path(outdir)
    html_path, md_path = outdir / HTML_NAME, outdir / MD_NAME
    write_text(html_path, to_html(doc, outdir))
    write_text(md_path, to_markdown(doc, outdir))
    return html_path, md_path


def write_text(path: Path, text: str) -> None:
    """Write `text` under a temporary name and rename it into place."""
    with atomic(path, "wb") as fh:
        fh.write(text.encode("utf-8"))


def _rel(path: Path, outdir: Path) -> str:
    path = Path(path)
    try:
        return (path if not path.is_absolute() else path.relative_to(outdir)).as_posix()
    except ValueError:
        return path.as_posix()


def _abs(path: Path, outdir: Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else outdir / path


def _provenance_rows(prov: Mapping[str, object]) -> list[list[str]]:
    return [[str(k), "" if v is None else str(v)] for k, v in prov.items()]


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.25rem .55rem;vertical-align:top}
th{background:#f2f2f2;text-align:left}
td.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto}
caption{caption-side:top;text-align:left;font-weight:600;padding:.2rem 0}
figure{margin:1rem 0 2rem}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.92rem;color:#333;margin-top:.3rem}
figcaption a{margin-left:.5rem;font-size:.85rem}
pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.82rem}
.lead{color:#444}
.finding{background:#f3f7fb;border-left:4px solid #1F4E79;padding:.6rem .8rem;font-size:1.02rem}
nav.toc ol{margin:.2rem 0 0;padding-left:1.4rem}nav.toc{font-size:.95rem}
"""


def _html_table(t: Table) -> str:
    align = t.align or "l" * len(t.columns)
    out = ['<div class="scroll"><table>']
    if t.caption:
        out.append(f"<caption>{html.escape(t.caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in t.columns))
    out.append("</tr></thead><tbody>")
    for row in t.rows:
        cells = (
            f"<td{' class="r"' if a == 'r' else ''}>{_html_cell(v)}</td>"
            for v, a in zip(row, align, strict=False)
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _html_cell(v: object) -> str:
    if isinstance(v, Link):
        return f'<a href="{html.escape(v.href)}">{html.escape(v.text)}</a>'
    return html.escape(str(v))


def _html_figure(f: Figure, outdir: Path) -> str:
    data = base64.b64encode(_abs(f.png, outdir).read_bytes()).decode("ascii")
    cap = html.escape(f.caption)
    links = "".join(
        f'<a href="{html.escape(_rel(p, outdir))}">{html.escape(Path(p).suffix[1:].upper())}</a>'
        for p in f.others
    )
    return (
        f'<figure><img alt="{cap}" src="data:image/png;base64,{data}">'
        f"<figcaption>{cap}{links}</figcaption></figure>"
    )


def _html_block(b: Block, outdir: Path) -> str:
    if isinstance(b, Text):
        return f"<p>{html.escape(b.text)}</p>"
    if isinstance(b, Table):
        return _html_table(b)
    if isinstance(b, Figure):
        return _html_figure(b, outdir)
    if isinstance(b, Code):
        return (
            f"<details><summary>{html.escape(b.summary)}</summary>"
            f"<pre>{html.escape(b.text)}</pre></details>"
        )
    raise TypeError(f"not a report block: {b!r}")


def to_html(doc: Document, outdir: Path) -> str:
    """The document as one self-contained HTML page (figures embedded)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(doc.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(doc.title)}</h1>",
    ]
    if doc.finding:
        parts.append(
            f'<p class="finding"><strong>Key finding.</strong> {html.escape(doc.finding)}</p>'
        )
    if doc.lead:
        parts.append(f'<p class="lead">{html.escape(doc.lead)}</p>')
    items = "".join(f'<li><a href="#{anchor(h)}">{html.escape(h)}</a></li>' for h in doc.headings())
    parts.append(f'<nav class="toc"><strong>Contents</strong><ol>{items}</ol></nav>')
    for s in doc.sections:
        parts.append(f'<h2 id="{anchor(s.heading)}">{html.escape(s.heading)}</h2>')
        parts.extend(_html_block(b, outdir) for b in s.blocks)
    if doc.provenance:
        parts.append('<h2 id="provenance">Provenance</h2>')
        parts.append(_html_table(Table(["item", "value"], _provenance_rows(doc.provenance))))
    parts.append("</body></html>\n")
    return "\n".join(parts)


# --- Markdown -------------------------------------------------------------------------------


_BLOCK_START = re.compile(r"^(\s*)([#>+\-=*]|\d+[.)])")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _md_text(v: object, paragraph: bool = False) -> str:
    """Plain text as inert Markdown: one line, no HTML, no links, no code, no block syntax.

    Newlines become spaces (a newline could start a heading or a code fence),
    `<`, `>` and `&` become entities (no raw HTML such as <script>), and the
    characters that open links, code spans and tables are escaped; a
    `paragraph` also has a leading heading, quote or list marker escaped.
    """
    text = _LINE_BREAKS.sub(" ", str(v))
    text = text.replace("\\", "\\\\")
    text = html.escape(text, quote=False)
    for ch in "`[]|":
        text = text.replace(ch, "\\" + ch)
    if paragraph:
        text = _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return text


def _md_cell(v: object) -> str:
    if isinstance(v, Link):
        return f"[{_md_cell(v.text)}]({_md_href(v.href)})"
    return _md_text(v)


def _md_href(href: str) -> str:
    """A link target that cannot break out of its parentheses or run script."""
    from urllib.parse import quote

    target = quote(str(href), safe="/:#?=&%-_.~")
    return target if not target.lower().startswith(("javascript:", "data:")) else "#"


def _md_fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so the text cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _md_table(t: Table) -> str:
    align = t.align or "l" * len(t.columns)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [f"**{_md_cell(t.caption)}**", ""] if t.caption else []
    lines.append("| " + " | ".join(_md_cell(c) for c in t.columns) + " |")
    lines.append("| " + " | ".join(rule) + " |")
    lines.extend("| " + " | ".join(_md_cell(v) for v in row) + " |" for row in t.rows)
    return "\n".join(lines)


def _md_block(b: Block, outdir: Path) -> str:
    if isinstance(b, Text):
        return _md_text(b.text, paragraph=True)
    if isinstance(b, Table):
        return _md_table(b)
    if isinstance(b, Figure):
        links = " ".join(
            f"[{Path(p).suffix[1:].upper()}]({_md_href(_rel(p, outdir))})"
            for p in (b.png, *b.others)
        )
        png = _md_href(_rel(b.png, outdir))
        return f"![{_md_text(b.caption)}]({png})\n\n*{_md_text(b.caption)}* {links}"
    if isinstance(b, Code):
        fence = _md_fence(b.text)
        return (
            f"<details><summary>{_md_text(b.summary)}</summary>\n\n"
            f"{fence}\n{b.text}\n{fence}\n\n</details>"
        )
    raise TypeError(f"not a report block: {b!r}")


def to_markdown(doc: Document, outdir: Path) -> str:
    """The document as Markdown; figures are linked by relative path."""
    parts = [f"# {_md_text(doc.title)}"]
    if doc.finding:
        parts.append(f"**Key finding.** {_md_text(doc.finding, paragraph=True)}")
    if doc.lead:
        parts.append(_md_text(doc.lead, paragraph=True))
    parts.append(
        "**Contents**\n\n"
        + "\n".join(f"{i}. [{_md_text(h)}](#{anchor(h)})" for i, h in enumerate(doc.headings(), 1))
    )
    for s in doc.sections:
        parts.append(f"## {_md_text(s.heading)}")
        parts.extend(_md_block(b, outdir) for b in s.blocks)
    if doc.provenance:
        parts.append("## Provenance")
        parts.append(_md_table(Table(["item", "value"], _provenance_rows(doc.provenance))))
    return "\n\n".join(parts) + "\n"
