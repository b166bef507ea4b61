"""The colours of Glassbox: Okabe–Ito, the colour-blind-safe palette (Okabe & Ito 2008).

Charts use the full colours; token chips use light tints of them as background (dark text
stays readable) and the full colour as border. Sequential scales are Viridis or Cividis.

>>> tint("#0072B2", 0.3)
'#B2D5E8'
"""

from __future__ import annotations

OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)
ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = OKABE_ITO


def tint(hex_colour: str, strength: float = 0.3) -> str:
    """Mix ``hex_colour`` with white: strength 1 keeps the colour, 0 gives white."""
    rgb = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


CHIP_BACKGROUNDS: tuple[str, ...] = tuple(tint(c) for c in OKABE_ITO)
