"""Build the front-end assets that are not committed: vendored htmx and the PWA icons.

Run after `npm ci` (the Makefile does): `python scripts/build_assets.py`.
Idempotent: a file is rewritten only when its bytes change, so repeated runs are cheap and
leave timestamps alone. The icons are drawn with Pillow from geometry alone (no font), so the
same Pillow version always produces the same bytes.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "jewelpwa" / "static"
HTMX_SRC = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
HTMX_DEST = STATIC / "vendor" / "htmx.min.js"
ICONS = STATIC / "icons"

# Brand colours; keep in step with app.css (--brand, --gold) and manifest.webmanifest.
NAVY = (13, 59, 74)  # #0d3b4a
GOLD_LIGHT = (240, 211, 122)
GOLD = (212, 175, 55)  # #d4af37
GOLD_DARK = (160, 124, 28)
WHITE = (255, 255, 255)

SUPERSAMPLE = 4  # draw big, scale down: Pillow's polygons have no anti-aliasing of their own


def write_if_changed(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = path.relative_to(ROOT)
    if path.exists() and path.read_bytes() == data:
        print(f"unchanged {rel}")
        return
    path.write_bytes(data)
    print(f"wrote     {rel} ({len(data):,} bytes)")


def copy_htmx() -> None:
    if not HTMX_SRC.exists():
        sys.exit(
            f"build_assets: {HTMX_SRC.relative_to(ROOT)} is missing: run npm ci first "
            "(htmx.org is pinned in package.json / package-lock.json)."
        )
    write_if_changed(HTMX_DEST, HTMX_SRC.read_bytes())


def gem_facets(cx: float, top: float, w: float) -> list[tuple[list[tuple[float, float]], tuple]]:
    """Facets of a brilliant-cut diamond seen from the side, as (polygon, colour) pairs.

    The gem is `w` wide, its table starts at `top`; proportions follow a classic brilliant
    (crown about a quarter of the height, pavilion the rest) so it reads as a diamond at 32 px.
    """
    h = w * 0.82
    crown = h * 0.28
    gl, gr = cx - w / 2, cx + w / 2  # girdle ends
    gy = top + crown
    tl, tr = cx - w * 0.28, cx + w * 0.28  # table ends
    culet = (cx, top + h)
    # crown points along the girdle, between the table corners' projections
    c1, c2 = cx - w * 0.2, cx + w * 0.2
    return [
        # crown: five facets, alternating light and mid gold
        ([(gl, gy), (tl, top), (c1, gy)], GOLD),
        ([(tl, top), (cx, top), (c1, gy)], GOLD_LIGHT),
        ([(cx, top), (c1, gy), (c2, gy)], GOLD),
        ([(cx, top), (tr, top), (c2, gy)], GOLD_LIGHT),
        ([(tr, top), (gr, gy), (c2, gy)], GOLD),
        # pavilion: three long facets meeting at the culet
        ([(gl, gy), (c1, gy), culet], GOLD_DARK),
        ([(c1, gy), (c2, gy), culet], GOLD),
        ([(c2, gy), (gr, gy), culet], GOLD_LIGHT),
    ]


def draw_icon(size: int, *, gem_width: float, rounded: bool, detail: bool = True) -> bytes:
    from PIL import Image, ImageDraw

    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if rounded:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=NAVY)
    else:
        d.rectangle((0, 0, big, big), fill=NAVY)

    w = big * gem_width
    h = w * 0.82
    top = (big - h) / 2 + big * 0.02
    line = max(SUPERSAMPLE, round(big * (0.008 if detail else 0.0)))
    facets = gem_facets(big / 2, top, w)
    for poly, colour in facets:
        d.polygon(poly, fill=colour)
    if detail:
        # thin navy facet edges give the cut its sparkle; skipped at favicon size where they smear
        for poly, _ in facets:
            d.line(poly + [poly[0]], fill=NAVY, width=line, joint="curve")
    outline = [facets[0][0][0], facets[0][0][1], facets[4][0][0], facets[4][0][1], facets[7][0][2]]
    d.polygon(outline, outline=WHITE, width=max(SUPERSAMPLE, round(big * 0.014)))

    if detail:
        # a four-point glint, top right of the table
        gx, gy, r = big / 2 + w * 0.42, top - h * 0.08, w * 0.11
        glint = [
            (gx, gy - r),
            (gx + r * 0.22, gy - r * 0.22),
            (gx + r, gy),
            (gx + r * 0.22, gy + r * 0.22),
            (gx, gy + r),
            (gx - r * 0.22, gy + r * 0.22),
            (gx - r, gy),
            (gx - r * 0.22, gy - r * 0.22),
        ]
        d.polygon(glint, fill=WHITE)

    img = img.resize((size, size), Image.Resampling.LANCZOS)
    if not rounded:
        img = img.convert("RGB")  # full-bleed icons have no transparency to keep
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def build_icons() -> None:
    try:
        import PIL  # noqa: F401
    except ImportError:
        sys.exit("build_assets: Pillow is missing: install the assets extra (pip install -e '.[assets]'; make setup does).")
    # "any" icons: rounded tile, the gem fills most of it.
    for size in (192, 512):
        write_if_changed(ICONS / f"icon-{size}.png", draw_icon(size, gem_width=0.64, rounded=True))
    # maskable: full-bleed background; the gem stays inside the central 80 % circle (the safe
    # zone a launcher may crop to), so its width is kept near 52 % of the tile.
    for size in (192, 512):
        write_if_changed(ICONS / f"maskable-{size}.png", draw_icon(size, gem_width=0.52, rounded=False))
    # iOS rounds the corners itself and paints transparency black, so full-bleed.
    write_if_changed(ICONS / "apple-touch-icon-180.png", draw_icon(180, gem_width=0.6, rounded=False))
    write_if_changed(ICONS / "favicon-32.png", draw_icon(32, gem_width=0.8, rounded=True, detail=False))


def main() -> None:
    copy_htmx()
    build_icons()


if __name__ == "__main__":
    main()
