"""Painting the scenery the bodies collide with (gen_engine.physics.fixtures) into the static
background: each solid in its colour, lit from above (a lighter top face, a darker edge), with a
soft contact shadow on the ground, so stairs read as steps and a desk as a desk."""

from __future__ import annotations

from gen_engine.physics.fixtures import Solid
from gen_engine.render.painter import Painter

Colour = tuple[float, float, float]


def _k(c: tuple[int, int, int] | Colour, k: float) -> Colour:
    return (min(c[0] * k, 255.0), min(c[1] * k, 255.0), min(c[2] * k, 255.0))


def paint_fixtures(p: Painter, solids: list[Solid]) -> None:
    for solid in solids:
        if solid.shape not in ("shelf", "hoop"):  # those hang on a wall or stand on a pole
            x0, x1 = solid.extent
            p.contact_shadow(x0, x1, 0.0, 0.45)
    for solid in solids:
        _paint(p, solid)


def _paint(p: Painter, solid: Solid) -> None:
    colour = solid.colour
    edge = _k(colour, 0.55)
    top = _k(colour, 1.3)
    line = 1.5 / p.ppm
    if solid.shape == "goal":  # a net behind the frame
        x0, x1 = solid.extent
        height = max(pt[1] for poly in solid.polygons for pt in poly)
        for i in range(12):
            x = x0 + (x1 - x0) * i / 11
            p.rect(x - line / 2, x + line / 2, 0.0, height, (225, 225, 225))
        for i in range(8):
            y = height * i / 7
            p.rect(x0, x1, y - line / 2, y + line / 2, (225, 225, 225))
        p.rect(x0, x0 + 0.06, 0.0, height, colour)
    if solid.shape == "tree":
        for x, y, r in solid.circles:
            p.disc(x, y, r, colour)
            p.disc(x - 0.3 * r, y + 0.25 * r, 0.55 * r, top)
        for poly in solid.polygons:
            p.polygon(poly, (105, 72, 45))
        return
    for poly in solid.polygons:
        p.polygon(poly, edge)
        xs = [pt[0] for pt in poly]
        ys = [pt[1] for pt in poly]
        inset = 2.5 / p.ppm
        if len(poly) == 4:  # a box: front face, then the lit top
            p.rect(min(xs) + inset, max(xs) - inset, min(ys) + inset, max(ys) - inset, colour)
            p.rect(min(xs), max(xs), max(ys) - min(0.04, (max(ys) - min(ys)) / 2), max(ys), top)
        else:
            p.polygon(poly, colour)
    if solid.shape == "rug":  # a fringe at both ends and a border stripe
        x0, x1 = solid.extent
        p.rect(x0 + 0.08, x1 - 0.08, 0.004, 0.012, _k(colour, 1.5))
    for _, y, _ in solid.circles[:1]:  # the rim: an orange hoop seen edge-on, and its net
        p.rect(solid.extent[0], solid.extent[0] + 0.46, y - 0.012, y + 0.012, (235, 90, 30))
        for i in range(6):
            nx = solid.extent[0] + 0.46 * i / 5
            p.rect(nx - line / 2, nx + line / 2, y - 0.35, y, (235, 235, 235))
